using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Accounts.Enrollment;

/// <summary>
/// First start: while no platform admin exists, each start logs a new one-time setup token for <c>/setup</c>
/// (valid 24 hours). The token is the only proof that the person at /setup is the operator who can read the log.
/// </summary>
internal sealed class SetupTokenAnnouncer(PersonDirectory people, OneTimeTokens tokens, IHostApplicationLifetime lifetime,
    ILogger<SetupTokenAnnouncer> logger) : IHostedService
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // After start-up: the URLs are known then, and migrations have run.
        lifetime.ApplicationStarted.Register(() => _ = AnnounceAsync());
        return Task.CompletedTask;
    }

    private async Task AnnounceAsync()
    {
        try
        {
            if (await people.AnyPlatformAdminAsync())
            {
                return;
            }

            var token = await tokens.CreateAsync(OneTimeTokens.Setup, null, Lifetime);
            logger.LogWarning(
                "No platform admin exists yet. Open /setup and enter this one-time setup token (valid 24 hours): {SetupToken} " +
                "- or run: dotnet run --project src/AdminPortal -- create-admin --email you@example.com", token);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not create the first-start setup token.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary><c>create-admin --email E [--name N]</c>: creates a platform admin and prints a one-time enrollment link.</summary>
internal sealed class CreateAdminCommand(PersonDirectory people, IConfiguration configuration) : IPortalCommand
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);

    public string Name => "create-admin";

    public string Summary => "Create a platform admin (--email, optional --name) and print a one-time enrollment link.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new CommandOptions(args);
        var email = options.Require("email");
        var name = options.Get("name") ?? email.Split('@')[0];
        Person person;
        try
        {
            person = await people.CreateAsync(email, name, isPlatformAdmin: true, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new CommandLineException(ex.Message);
        }

        var link = await people.CreateEnrollmentLinkAsync(person.Id, LinkLifetime, cancellationToken);
        var baseUrl = (configuration["PublicUrl"] ?? configuration["Urls"] ?? "http://localhost:5080").Split(';')[0].TrimEnd('/')
            .Replace("://127.0.0.1", "://localhost");
        await output.WriteLineAsync($"Created platform admin {person.Email}.");
        await output.WriteLineAsync($"Open this one-time link within 24 hours to set a password and enroll a security key or passkey:");
        await output.WriteLineAsync($"{baseUrl}{link}");
        return 0;
    }
}
