using AdminPortal.Features.Devices;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class EnrollmentCodeCommandTests
{
    [Theory, BothDatabases]
    public async Task The_command_prints_one_working_code_per_line_and_names_a_bad_store(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var command = api.Portal.Services.GetServices<IPortalCommand>().Single(c => c.Name == "enrollment-code create");
        var output = new StringWriter();

        var exit = await command.RunAsync(["--merchant", api.Merchant.Name, "--store", api.Store.Name, "--count", "3", "--expires-hours", "2"], output, CancellationToken.None);
        var badStore = await Assert.ThrowsAsync<CommandLineException>(() =>
            command.RunAsync(["--merchant", api.Merchant.MerchantNumber, "--store", "Nowhere"], new StringWriter(), CancellationToken.None));

        Assert.Equal(0, exit);
        var codes = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, codes.Length);
        Assert.All(codes, c => Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", c));
        Assert.Contains("Nowhere", badStore.Message);
        var response = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(codes[2]));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }
}
