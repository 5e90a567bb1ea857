using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AdminPortal.Features.Audit;

/// <summary>
/// The chain hash over the previous hash and every field in a fixed, unambiguous encoding. Entries are sealed with
/// HMAC-SHA256 under the audit chain key (<see cref="AuditChainKeys"/>), which lives outside the database; entries written
/// before that key existed carry no key id and a plain SHA-256 (<see cref="ComputeUnkeyed(AuditRecord)"/>).
/// </summary>
internal static class AuditHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The sealed hash of a new entry: HMAC-SHA256 under <paramref name="key"/>, its id bound into the input.</summary>
    public static string ComputeKeyed(byte[] key, string keyId, string prevHash, Guid id, DateTimeOffset occurredAt, AuditEvent e)
    {
        // The key id is inside the MAC: moving an entry to another key's id breaks it.
        var canonical = "sealed:" + Length(keyId) + Canonical(prevHash, id, occurredAt, e);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));
    }

    public static string ComputeKeyed(byte[] key, AuditRecord r) => ComputeKeyed(key, r.KeyId!, r.PrevHash, r.Id, r.OccurredAt, EventOf(r));

    /// <summary>The hash of entries written before the audit chain key existed: anyone can compute it, so it proves nothing alone.</summary>
    public static string ComputeUnkeyed(string prevHash, Guid id, DateTimeOffset occurredAt, AuditEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(prevHash, id, occurredAt, e))));

    public static string ComputeUnkeyed(AuditRecord r) => ComputeUnkeyed(r.PrevHash, r.Id, r.OccurredAt, EventOf(r));

    /// <summary>Times are truncated to microseconds before hashing so both databases store exactly what was hashed.</summary>
    public static DateTimeOffset Normalise(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    // Length-prefixed fields: no separator inside a value can make two different rows hash alike.
    private static string Length(string? value) => value is null ? "-1:" : $"{value.Length}:{value}";

    private static string Canonical(string prevHash, Guid id, DateTimeOffset occurredAt, AuditEvent e)
    {
        var builder = new StringBuilder();
        void Add(string? value) => builder.Append(Length(value));

        Add(prevHash);
        Add(id.ToString("D"));
        Add(occurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Add(e.Category);
        Add(e.Action);
        Add(((int)e.Outcome).ToString(CultureInfo.InvariantCulture));
        Add(e.Summary);
        Add(e.ActorId?.ToString("D"));
        Add(e.ActorName);
        Add(e.MerchantId?.ToString("D"));
        Add(e.TargetType);
        Add(e.TargetId);
        Add(e.IpAddress);
        Add(e.UserAgent);
        return builder.ToString();
    }

    private static AuditEvent EventOf(AuditRecord r) => new()
    {
        Category = r.Category,
        Action = r.Action,
        Outcome = r.Outcome,
        Summary = r.Summary,
        ActorId = r.ActorId,
        ActorName = r.ActorName,
        MerchantId = r.MerchantId,
        TargetType = r.TargetType,
        TargetId = r.TargetId,
        IpAddress = r.IpAddress,
        UserAgent = r.UserAgent,
    };
}
