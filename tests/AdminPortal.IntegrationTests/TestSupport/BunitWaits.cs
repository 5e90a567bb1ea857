using System.Runtime.CompilerServices;
using Bunit;

namespace AdminPortal.IntegrationTests.TestSupport;

internal static class BunitWaits
{
    /// <summary>
    /// Components here read a real database (PostgreSQL among them) before their first useful render, while the rest of
    /// the suite shares two cores: bUnit's default wait of one second failed a first render that was merely late (the
    /// fraud queue island on PostgreSQL, CI 2026-12-01). A wait still ends as soon as its assertion passes.
    /// </summary>
    [ModuleInitializer]
    internal static void AllowSlowFirstRenders() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
