using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Devices.Enrollment;

/// <summary><c>enrollment-code create --merchant &lt;id|name|number&gt; --store &lt;id|name&gt; [--count N] [--expires-hours H]</c>.</summary>
internal sealed class EnrollmentCodeCommand(EnrollmentCodes codes, MerchantDirectory merchants) : IPortalCommand
{
    public string Name => "enrollment-code create";

    public string Summary => "Print new one-time terminal enrollment codes, one per line (--merchant, --store, [--count N], [--expires-hours H]).";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new CommandOptions(args);
        var merchantKey = options.Require("merchant");
        var storeKey = options.Require("store");
        var count = options.GetInt("count", 1, 1, EnrollmentCodes.MaxCount);
        var hours = options.GetInt("expires-hours", 24, 1, EnrollmentCodes.MaxLifetimeHours);

        var merchant = (await merchants.ListMerchantsAsync(cancellationToken)).FirstOrDefault(m =>
                m.Id.ToString().Equals(merchantKey, StringComparison.OrdinalIgnoreCase)
                || m.Name.Equals(merchantKey, StringComparison.OrdinalIgnoreCase)
                || m.MerchantNumber.Equals(merchantKey, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandLineException($"No merchant '{merchantKey}' (give its id, name or merchant number).");
        var store = (await merchants.ListStoresAsync(merchant.Id, cancellationToken)).FirstOrDefault(s =>
                s.Id.ToString().Equals(storeKey, StringComparison.OrdinalIgnoreCase) || s.Name.Equals(storeKey, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandLineException($"Merchant {merchant.Name} has no store '{storeKey}'.");

        // The command line runs with the database's own authority, like migrate and seed-demo.
        var created = await codes.CreateAsync(new AccessScope(null, true, []), DeviceActor.CommandLine, merchant.Id, store.Id, count, hours, cancellationToken);
        foreach (var code in created)
        {
            await output.WriteLineAsync(code.Code);
        }

        return 0;
    }
}
