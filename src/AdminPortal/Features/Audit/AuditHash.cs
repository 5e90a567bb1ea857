using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AdminPortal.Features.Audit;

/// <summary>The chain hash: SHA-256 over the previous hash and every field in a fixed, unambiguous encoding.</summary>
internal static class AuditHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(string prevHash, Guid id, DateTimeOffset occurredAt, AuditEvent e)
    {
        // Length-prefixed fields: no separator inside a value can make two different rows hash alike.
        var builder = new StringBuilder();
        void Add(string? value) => builder.Append(value is null ? "-1:" : $"{value.Length}:{value}");

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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    public static string Compute(AuditRecord r) => Compute(r.PrevHash, r.Id, r.OccurredAt, new AuditEvent
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
    });

    /// <summary>Times are truncated to microseconds before hashing so both databases store exactly what was hashed.</summary>
    public static DateTimeOffset Normalise(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
