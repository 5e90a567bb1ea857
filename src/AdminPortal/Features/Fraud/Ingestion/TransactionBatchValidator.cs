using System.Buffers;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>
/// Checks a batch field by field and turns it into events. Every problem is reported under the field's JSON path
/// (<c>events[2].currency</c>) so a terminal developer sees exactly what to fix.
/// </summary>
public static class TransactionBatchValidator
{
    public const int MaxEventsPerRequest = 500;
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxEventAge = TimeSpan.FromDays(30);
    private const long MaxAmountMinor = 100_000_000_000;

    private static readonly SearchValues<char> EventIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    private static readonly SearchValues<char> LettersAndDigits =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:+/=");

    public static (List<TransactionEvent> Events, Dictionary<string, string[]> Errors) Validate(
        TransactionBatchRequest? request, CallingDevice device, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var events = new List<TransactionEvent>(request?.Events?.Count ?? 0);
        if (request?.Events is not { } items)
        {
            errors["events"] = ["Send an array of events."];
            return (events, errors);
        }

        if (items.Count == 0 || items.Count > MaxEventsPerRequest)
        {
            errors["events"] = [$"Send between 1 and {MaxEventsPerRequest} events per request (got {items.Count})."];
            return (events, errors);
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors[$"events[{i}]"] = ["An event is required here, not null."];
                continue;
            }

            var before = errors.Count;
            // The field's path is only built when it fails: a valid batch allocates nothing for its checks.
            void Fail(string field, string message) => errors[$"events[{i}].{field}"] = [message];

            if (string.IsNullOrEmpty(item.EventId) || item.EventId.Length > 64 || item.EventId.AsSpan().ContainsAnyExcept(EventIdChars))
            {
                Fail("eventId", "Required: 1–64 characters of letters, digits and - _ . :");
            }

            if (item.OccurredAt is not { } occurredAt)
            {
                Fail("occurredAt", "Required: an ISO-8601 time with offset.");
            }
            else if (occurredAt > now + MaxClockSkew)
            {
                Fail("occurredAt", "Lies in the future: check the terminal's clock.");
            }
            else if (occurredAt < now - MaxEventAge)
            {
                Fail("occurredAt", $"Older than {MaxEventAge.TotalDays:0} days: too late to score.");
            }

            var type = item.Type switch
            {
                "sale" => TransactionType.Sale,
                "refund" => TransactionType.Refund,
                "void" => TransactionType.Void,
                var other => ParseEnum<TransactionType>(other),
            };
            if (type is null)
            {
                Fail("type", "Required: one of sale, refund, void.");
            }

            if (item.AmountMinor is not { } amount || amount < 0 || amount > MaxAmountMinor)
            {
                Fail("amountMinor", "Required: the amount in minor units (cents), 0 or more.");
            }

            if (item.Currency is not { Length: 3 } currency || currency.AsSpan().ContainsAnyExceptInRange('A', 'Z'))
            {
                Fail("currency", "Required: an ISO 4217 code in capitals, such as EUR.");
            }

            if (string.IsNullOrEmpty(item.CardToken) || item.CardToken.Length is < 8 or > 128 || item.CardToken.AsSpan().ContainsAnyExcept(TokenChars))
            {
                Fail("cardToken", "Required: the card token, 8–128 characters (letters, digits and - _ . : + / =).");
            }

            if (item.Bin is not { Length: 6 or 8 } bin || bin.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                Fail("bin", "Required: the 6 or 8 digit BIN.");
            }

            if (item.Last4 is not { Length: 4 } last4 || last4.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                Fail("last4", "Required: the last four digits.");
            }

            var entryMode = item.EntryMode switch
            {
                "chip" => EntryMode.Chip,
                "contactless" => EntryMode.Contactless,
                "swipe" => EntryMode.Swipe,
                "manual" => EntryMode.Manual,
                "fallback" => EntryMode.Fallback,
                var other => ParseEnum<EntryMode>(other),
            };
            if (entryMode is null)
            {
                Fail("entryMode", "Required: one of chip, contactless, swipe, manual, fallback.");
            }

            var result = item.Result switch
            {
                "approved" => TransactionResult.Approved,
                "declined" => TransactionResult.Declined,
                var other => ParseEnum<TransactionResult>(other),
            };
            if (result is null)
            {
                Fail("result", "Required: approved or declined.");
            }

            if (item.ResponseCode is { } code && (code.Length is 0 or > 8 || code.AsSpan().ContainsAnyExcept(LettersAndDigits)))
            {
                Fail("responseCode", "At most 8 letters or digits.");
            }

            if (item.Location is { } location)
            {
                if (location.Lat is not { } lat || lat is < -90 or > 90)
                {
                    Fail("location.lat", "Required with a location: latitude between -90 and 90.");
                }

                if (location.Lon is not { } lon || lon is < -180 or > 180)
                {
                    Fail("location.lon", "Required with a location: longitude between -180 and 180.");
                }
            }

            if (errors.Count > before)
            {
                continue;
            }

            events.Add(new TransactionEvent
            {
                MerchantId = device.MerchantId,
                DeviceId = device.DeviceId,
                StoreId = device.StoreId,
                EventId = item.EventId!,
                OccurredAt = item.OccurredAt!.Value.ToUniversalTime(),
                ReceivedAt = now,
                Type = type!.Value,
                AmountMinor = item.AmountMinor!.Value,
                Currency = item.Currency!,
                CardToken = item.CardToken!,
                Bin = item.Bin!,
                Last4 = item.Last4!,
                EntryMode = entryMode!.Value,
                Result = result!.Value,
                ResponseCode = item.ResponseCode,
                Latitude = item.Location?.Lat,
                Longitude = item.Location?.Lon,
            });
        }

        return (events, errors);
    }

    // The lower-case names terminals send are matched directly above; anything else goes through the general parse.
    // Names only (never numbers: "1" must not pass as an enum value).
    private static T? ParseEnum<T>(string? value) where T : struct, Enum =>
        value is { Length: > 0 } && char.IsAsciiLetter(value[0]) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed : null;
}
