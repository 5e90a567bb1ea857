using System.Text.Json;
using AdminPortal.Features.Accounts.Security;
using Fido2NetLib;
using Fido2NetLib.Objects;

namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>The options a browser needs to start a ceremony, and the id that names the pending server half.</summary>
public sealed record CeremonyStart(Guid RequestId, string OptionsJson);

public enum AssertionFailure
{
    None,
    ExpiredOrUnknownRequest,
    UnknownCredential,
    WrongPerson,
    CounterRegression,
    Invalid,
}

public sealed record AssertionOutcome(AssertionFailure Failure, SecurityKey? Key = null)
{
    public bool Succeeded => Failure == AssertionFailure.None;
}

/// <summary>
/// The four WebAuthn steps (Fido2 4.3.2): registration options → new credential, assertion options → verified assertion.
/// Pending options live in <see cref="PendingCeremonies"/>, bound to the person and session that asked for them.
/// </summary>
public sealed class WebAuthnCeremonies(
    Fido2Provider fido2,
    PendingCeremonies pending,
    CredentialStore credentials,
    ISecurityEvents events,
    TimeProvider clock,
    ILogger<WebAuthnCeremonies> logger,
    IEnumerable<ICounterRegressionObserver> counterRegressionObservers)
{
    public async Task<CeremonyStart> BeginRegistrationAsync(Person person, Guid? sessionId, CancellationToken ct = default)
    {
        var existing = await credentials.ListAsync(person.Id, ct);
        var options = fido2.Fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = person.Id.ToByteArray(), Name = person.Email, DisplayName = person.DisplayName },
            ExcludeCredentials = existing.Select(k => new PublicKeyCredentialDescriptor(k.CredentialId)).ToList(),
            // Discoverable when the authenticator can (then it also works as a passkey); security keys without storage still enroll.
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = options.ToJson();
        return new CeremonyStart(await pending.SaveAsync(CeremonyPurposes.Registration, person.Id, sessionId, json, ct), json);
    }

    /// <summary>Verifies the authenticator's answer and stores the new key; null when refused.</summary>
    public async Task<SecurityKey?> CompleteRegistrationAsync(Person person, Guid? sessionId, Guid requestId, string responseJson, string name,
        CancellationToken ct = default)
    {
        var ceremony = await pending.TakeAsync(requestId, CeremonyPurposes.Registration, ct);
        if (ceremony is null || ceremony.PersonId != person.Id || ceremony.SessionId != sessionId)
        {
            return null;
        }

        try
        {
            var response = JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(responseJson)
                ?? throw new JsonException("Empty attestation response.");
            var credential = await fido2.Fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = CredentialCreateOptions.FromJson(ceremony.Options),
                IsCredentialIdUniqueToUserCallback = async (args, token) => !await credentials.ExistsAsync(args.CredentialId, token),
            }, ct);
            var key = new SecurityKey
            {
                Id = Guid.NewGuid(),
                PersonId = person.Id,
                CredentialId = credential.Id,
                PublicKey = credential.PublicKey,
                SignCount = credential.SignCount,
                Name = KeyNames.Clean(name, credential.AaGuid),
                Aaguid = credential.AaGuid,
                IsBackupEligible = credential.IsBackupEligible,
                IsBackedUp = credential.IsBackedUp,
                CreatedAt = clock.GetUtcNow(),
            };
            await credentials.AddAsync(key, ct);
            return key;
        }
        catch (Exception ex) when (ex is Fido2VerificationException or JsonException or ArgumentException or FormatException)
        {
            logger.LogWarning("A key registration for {PersonId} was refused: {Reason}", person.Id, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Assertion options. With a person: any of their keys (second factor, step-up). Without: a discoverable passkey
    /// with user verification required (passkey sign-in, phishing-resistant on its own).
    /// </summary>
    public async Task<CeremonyStart> BeginAssertionAsync(string purpose, Guid? personId, Guid? sessionId, CancellationToken ct = default)
    {
        var allowed = personId is { } id
            ? (await credentials.ListAsync(id, ct)).Select(k => new PublicKeyCredentialDescriptor(k.CredentialId)).ToList()
            : [];
        var options = fido2.Fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = purpose == CeremonyPurposes.Passkey ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred,
        });
        var json = options.ToJson();
        return new CeremonyStart(await pending.SaveAsync(purpose, personId, sessionId, json, ct), json);
    }

    public async Task<AssertionOutcome> CompleteAssertionAsync(string purpose, Guid requestId, Guid? sessionId, string responseJson,
        ClientInfo client, CancellationToken ct = default)
    {
        var ceremony = await pending.TakeAsync(requestId, purpose, ct);
        if (ceremony is null || ceremony.SessionId != sessionId)
        {
            return new AssertionOutcome(AssertionFailure.ExpiredOrUnknownRequest);
        }

        AuthenticatorAssertionRawResponse response;
        try
        {
            response = JsonSerializer.Deserialize<AuthenticatorAssertionRawResponse>(responseJson) ?? throw new JsonException("Empty assertion response.");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return new AssertionOutcome(AssertionFailure.Invalid);
        }

        var key = await credentials.FindByCredentialIdAsync(response.RawId, ct);
        if (key is null)
        {
            return new AssertionOutcome(AssertionFailure.UnknownCredential);
        }

        if (ceremony.PersonId is { } expected && key.PersonId != expected)
        {
            return new AssertionOutcome(AssertionFailure.WrongPerson, key);
        }

        VerifyAssertionResult result;
        try
        {
            // The signature is checked first with a neutral stored counter, so that a counter regression reported
            // below is proved by a valid signature (a clone), not claimed by forged bytes.
            result = await fido2.Fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = AssertionOptions.FromJson(ceremony.Options),
                StoredPublicKey = key.PublicKey,
                StoredSignatureCounter = 0,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) =>
                    Task.FromResult(args.UserHandle is not { Length: 16 } handle || new Guid(handle) == key.PersonId),
            }, ct);
        }
        catch (Exception ex) when (ex is Fido2VerificationException or ArgumentException or FormatException or InvalidOperationException)
        {
            logger.LogWarning("A WebAuthn assertion for key {KeyId} was refused: {Reason}", key.Id, ex.Message);
            return new AssertionOutcome(AssertionFailure.Invalid, key);
        }

        if (SignatureCounter.IsRegression((uint)key.SignCount, result.SignCount))
        {
            await events.RecordAsync(new SecurityEvent(
                "webauthn.counter-regression", false,
                $"Key \"{key.Name}\" presented signature counter {result.SignCount} after {key.SignCount}: it may have been cloned. The sign-in was refused.",
                key.PersonId, TargetType: "webauthn-credential", TargetId: key.Id.ToString("D"), Denied: true), client, ct);
            await NotifyCounterRegressionAsync(new CounterRegression(
                key.PersonId, key.Id, key.Name, key.SignCount, result.SignCount, clock.GetUtcNow(), client.IpAddress));
            return new AssertionOutcome(AssertionFailure.CounterRegression, key);
        }

        await credentials.RecordUseAsync(key.Id, result.SignCount, result.IsBackedUp, ct);
        return new AssertionOutcome(AssertionFailure.None, key);
    }

    private async Task NotifyCounterRegressionAsync(CounterRegression regression)
    {
        foreach (var observer in counterRegressionObservers)
        {
            try
            {
                // Not the request's token: the incident must be opened even if the browser gave up waiting.
                await observer.OnCounterRegressionAsync(regression, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Counter-regression observer {Observer} failed for key {KeyId}", observer.GetType().Name, regression.CredentialId);
            }
        }
    }
}

internal static class KeyNames
{
    public const int MaxLength = 60;

    public static string Clean(string? name, Guid aaguid)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0)
        {
            trimmed = AuthenticatorModels.NameOf(aaguid) ?? "Security key";
        }

        return trimmed.Length > MaxLength ? trimmed[..MaxLength] : trimmed;
    }
}
