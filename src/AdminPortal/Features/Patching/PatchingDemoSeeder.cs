using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Demo releases and policies: one policy per demo merchant waiting for approval (written by a demo author, so a
/// second person — you — can approve it) and one draft. Nothing is activated here: activation needs a person's step-up.
/// Idempotent through release versions and policy names.
/// </summary>
internal sealed class PatchingDemoSeeder(MerchantDirectory merchants, PatchReleaseCatalogue releases, PatchPolicyQueries queries, PatchPolicyLifecycle lifecycle, TimeProvider clock)
    : IDemoSeeder
{
    private static readonly PatchingActor Author = new(Guid.Parse("de70a000-0000-4000-8000-00000000a001"), "Demo author");

    public int Order => 30;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var scope = AccessScope.PlatformAdmin(Author.Id!.Value);
        var today = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var os = await EnsureReleaseAsync(scope, new NewRelease(PatchComponent.Os, "13.4.2", ReleaseSeverity.Critical, today.AddDays(-6),
            ["A920", "A920 Pro"], ["CVE-2026-31337", "CVE-2026-31338"], "Android security patch level 2026-11: fixes a kernel privilege escalation."), cancellationToken);
        var firmware = await EnsureReleaseAsync(scope, new NewRelease(PatchComponent.Firmware, "2.8.0", ReleaseSeverity.High, today.AddDays(-20),
            ["A920", "A920 Pro", "D135"], ["CVE-2026-28711"], "Secure-element firmware: PIN pad timing side channel."), cancellationToken);
        await EnsureReleaseAsync(scope, new NewRelease(PatchComponent.PaymentApp, "5.12.1", ReleaseSeverity.Medium, today.AddDays(-3),
            [], [], "Payment app: contactless kernel update and crash fixes."), cancellationToken);

        var created = 0;
        foreach (var merchant in (await merchants.ListMerchantsAsync(scope, ct: cancellationToken)).Where(m => m.MerchantNumber.StartsWith("DEMO-", StringComparison.Ordinal)))
        {
            var existing = (await queries.SearchAsync(scope, new PolicyQuery { MerchantId = merchant.Id, Take = 100 }, cancellationToken)).Rows.Select(p => p.Name).ToHashSet();
            var critical = new PolicyDefinition(PolicyTarget.Everything,
                [new ComponentRequirement(PatchComponent.Os, os.Version, os.Id)], MaintenanceWindow.Nightly, RolloutPlan.Standard,
                os.DefaultDeadline, 7, OverdueAction.BlockPayments);
            if (!existing.Contains("Critical OS patch 13.4.2"))
            {
                var id = await lifecycle.CreateDraftAsync(scope, Author, merchant.Id, "Critical OS patch 13.4.2", critical, cancellationToken);
                await lifecycle.SubmitForApprovalAsync(scope, Author, id, cancellationToken);
                created++;
            }

            if (!existing.Contains("PIN pad firmware 2.8"))
            {
                var weekend = new MaintenanceWindow([DayOfWeek.Saturday, DayOfWeek.Sunday], new TimeOnly(22, 0), new TimeOnly(6, 0));
                await lifecycle.CreateDraftAsync(scope, Author, merchant.Id, "PIN pad firmware 2.8", critical with
                {
                    Requirements = [new ComponentRequirement(PatchComponent.Firmware, firmware.Version, firmware.Id)],
                    Window = weekend,
                    Deadline = firmware.DefaultDeadline,
                    OverdueAction = OverdueAction.Notify,
                }, cancellationToken);
                created++;
            }
        }

        return $"Demo patching: 3 releases in the catalogue; {created} policies added (pending approval and drafts).";
    }

    private async Task<PatchRelease> EnsureReleaseAsync(AccessScope scope, NewRelease release, CancellationToken ct)
    {
        var found = (await releases.SearchAsync(new ReleaseQuery { Component = release.Component, Text = release.Version, Take = 50 }, ct)).Rows
            .FirstOrDefault(r => r.Version == release.Version);
        return found ?? await releases.CreateAsync(scope, Author, release, ct);
    }
}
