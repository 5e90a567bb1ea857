using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace AdminPortal.Features.Devices.Bulk;

/// <summary>CSV in and out of the device list, through CsvHelper (quoting, delimiters and encodings done right).</summary>
public static class DeviceCsv
{
    public const string SerialColumn = "serialNumber";

    /// <summary>The <c>serialNumber</c> column of an import file (header required; other columns ignored).</summary>
    public static async Task<IReadOnlyList<string>> ReadSerialNumbersAsync(Stream stream, CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            DetectDelimiter = true,
            TrimOptions = TrimOptions.Trim,
        });
        if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is null
            || !csv.HeaderRecord.Any(h => h.Trim().Equals(SerialColumn, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"The file needs a header row with a '{SerialColumn}' column.");
        }

        var serials = new List<string>();
        while (await csv.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            if (csv.GetField(SerialColumn.ToLowerInvariant()) is { Length: > 0 } serial)
            {
                serials.Add(serial);
            }
        }

        return serials;
    }

    /// <summary>Writes the devices as CSV; a cell that a spreadsheet would run as a formula is prefixed with a quote.</summary>
    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<DeviceListItem> devices, Func<Guid, string> merchantName,
        Func<Guid, string> storeName, CancellationToken ct = default)
    {
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.Escape,
        });
        foreach (var header in new[] { "serialNumber", "merchant", "store", "model", "status", "online", "tampered", "osVersion", "firmwareVersion", "appVersion", "batteryPercent", "lastSeenAt" })
        {
            csv.WriteField(header);
        }

        await csv.NextRecordAsync();
        await foreach (var d in devices.WithCancellation(ct))
        {
            csv.WriteField(d.SerialNumber);
            csv.WriteField(merchantName(d.MerchantId));
            csv.WriteField(storeName(d.StoreId));
            csv.WriteField(d.Model);
            csv.WriteField(d.Status.ToString());
            csv.WriteField(d.IsOnline);
            csv.WriteField(d.TamperState == TamperState.Tampered);
            csv.WriteField(d.OsVersion);
            csv.WriteField(d.FirmwareVersion);
            csv.WriteField(d.AppVersion);
            csv.WriteField(d.BatteryPercent);
            csv.WriteField(d.LastSeenAt?.ToString("O", CultureInfo.InvariantCulture));
            await csv.NextRecordAsync();
        }
    }
}
