using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace AdminPortal.Infrastructure.Cluster;

/// <summary>
/// The data-protection key ring in the portal database (<c>data_protection_keys</c>), so that every instance protects and
/// unprotects with the same keys: antiforgery tokens, protected cookies and Blazor's prerendered circuit descriptors made
/// by one instance are valid on the others. With <c>DataProtection:CertificatePath</c> the keys are stored encrypted;
/// without it they are as secret as the database.
/// </summary>
internal sealed class DatabaseXmlRepository(IDbConnectionFactory db, TimeProvider clock) : IXmlRepository
{
    private const string SelectAll = "SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name";

    private const string Insert =
        """
        INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@friendlyName, @xml, @now)
        ON CONFLICT (friendly_name) DO NOTHING
        """;

    // IXmlRepository is synchronous; the key ring is read at start and then about once a day, never per request.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        return connection.Query<string>(SelectAll).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        connection.Execute(Insert, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow() });
    }
}

/// <summary>The <c>DataProtection</c> configuration section.</summary>
public sealed class DataProtectionSettings
{
    public const string SectionName = "DataProtection";

    /// <summary>A PFX file whose certificate encrypts the keys before they are stored (every instance needs the same one).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}

public static class SharedDataProtectionExtensions
{
    /// <summary>One application name for every instance, whatever folder it runs from: keys are shared by name.</summary>
    public const string ApplicationName = "MerchantSecurityAdminPortal";

    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName(ApplicationName);
        var settings = configuration.GetSection(DataProtectionSettings.SectionName).Get<DataProtectionSettings>() ?? new();
        if (settings.CertificatePath is { Length: > 0 } path)
        {
            // Without a certificate the keys are stored as plain XML (ASP.NET Core warns at start): as safe as the database.
            protection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword));
        }

        services.AddSingleton<DatabaseXmlRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = sp.GetRequiredService<DatabaseXmlRepository>()));
        return services;
    }
}
