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
/// by one instance are valid on the others. The keys are as secret as the database: whoever reads it reads them.
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

public static class SharedDataProtectionExtensions
{
    /// <summary>One application name for every instance, whatever folder it runs from: keys are shared by name.</summary>
    public const string ApplicationName = "MerchantSecurityAdminPortal";

    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<DatabaseXmlRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = sp.GetRequiredService<DatabaseXmlRepository>()));
        return services;
    }
}
