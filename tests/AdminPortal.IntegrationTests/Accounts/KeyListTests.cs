using System.Security.Cryptography;
using AdminPortal.Features.Accounts.Keys;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

/// <summary>"My security keys": renaming a key, and the authenticator model named from its AAGUID.</summary>
public sealed class KeyListTests
{
    [Theory, BothDatabases]
    public async Task A_person_renames_their_own_key_only_and_known_authenticators_are_named(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var ada = await portal.CreatePersonAsync("ada@keys.example");
        var bob = await portal.CreatePersonAsync("bob@keys.example");
        var credentials = portal.GetService<CredentialStore>();
        var windowsHello = Guid.Parse("08987058-cadc-4b81-b6e1-30de50dcbe96");
        var key = new SecurityKey
        {
            Id = Guid.NewGuid(), PersonId = ada.Id, CredentialId = RandomNumberGenerator.GetBytes(32), PublicKey = RandomNumberGenerator.GetBytes(77),
            Name = "Key 1", Aaguid = windowsHello, IsBackupEligible = true, IsBackedUp = true, CreatedAt = DateTimeOffset.UtcNow,
        };
        await credentials.AddAsync(key);
        var keys = portal.GetService<SecurityKeysService>();
        var asAda = await portal.SignedInPrincipalAsync(ada);
        var asBob = await portal.SignedInPrincipalAsync(bob);

        Assert.False(await keys.RenameAsync(asBob, key.Id, "Stolen name"));
        Assert.True(await keys.RenameAsync(asAda, key.Id, "  Office YubiKey  "));

        var listed = Assert.Single(await keys.ListAsync(asAda));
        Assert.Equal("Office YubiKey", listed.Name);
        Assert.Equal("Windows Hello", listed.Model);
        Assert.True(listed.IsBackedUp);
        Assert.Empty(await keys.ListAsync(asBob));
    }
}
