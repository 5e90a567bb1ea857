using System.Text;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Bulk;

namespace AdminPortal.Tests.Devices;

public sealed class DeviceCsvTests
{
    [Fact]
    public async Task Import_reads_the_serial_column_whatever_its_position_case_or_delimiter()
    {
        var csv = "store;SerialNumber;note\nBerlin;SN-1;\"first; quoted\"\nBerlin; SN-2 ;\n;;\n";

        var serials = await DeviceCsv.ReadSerialNumbersAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal(["SN-1", "SN-2"], serials);
    }

    [Fact]
    public async Task Import_without_a_serial_column_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            DeviceCsv.ReadSerialNumbersAsync(new MemoryStream(Encoding.UTF8.GetBytes("serial,store\nSN-1,Berlin\n"))));

        Assert.Contains("serialNumber", error.Message);
    }

    [Fact]
    public async Task Export_neutralises_cells_a_spreadsheet_would_run_as_formulas()
    {
        var writer = new StringWriter();
        var device = new DeviceListItem { SerialNumber = "SN-1", Model = "=HYPERLINK(\"x\")", Status = DeviceStatus.Active, AppVersion = "3.5" };

        await DeviceCsv.WriteAsync(writer, Rows(device), _ => "Merchant, Inc.", _ => "Store");

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("serialNumber,merchant,store,model", lines[0]);
        Assert.StartsWith("SN-1,\"Merchant, Inc.\",Store,", lines[1]);
        Assert.DoesNotContain(",=HYPERLINK", lines[1]);
        Assert.DoesNotContain(",\"=HYPERLINK", lines[1]);
    }

    private static async IAsyncEnumerable<DeviceListItem> Rows(params DeviceListItem[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
