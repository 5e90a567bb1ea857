using AdminPortal.Infrastructure.Database;

namespace AdminPortal.Infrastructure.CommandLine;

/// <summary>A sub-command of the portal executable, registered by the slice that owns it.</summary>
public interface IPortalCommand
{
    /// <summary>The words that select it, e.g. <c>migrate</c> or <c>enrollment-code create</c>.</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>Runs with the arguments that follow the command name; returns the process exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken);
}

public static class PortalCommandLine
{
    private static readonly string[] HelpWords = ["--help", "-h", "help", "-?"];

    public static IServiceCollection AddPortalCommand<TCommand>(this IServiceCollection services)
        where TCommand : class, IPortalCommand =>
        services.AddTransient<IPortalCommand, TCommand>();

    /// <summary>True when the arguments ask for something other than serving the portal.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (HelpWords.Contains(args[0]) || (!args[0].StartsWith('-') && args[0] != "serve"));

    public static async Task<int> RunPortalCommandAsync(this WebApplication app, string[] args)
    {
        var output = Console.Out;
        var commands = app.Services.GetServices<IPortalCommand>().OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (HelpWords.Contains(args[0]))
        {
            WriteHelp(output, commands);
            return 0;
        }

        // The longest matching name wins, so "enrollment-code create" beats a hypothetical "enrollment-code".
        var command = commands
            .Where(c => Matches(c.Name.Split(' '), args))
            .MaxBy(c => c.Name.Split(' ').Length);
        if (command is null)
        {
            await Console.Error.WriteLineAsync($"Unknown command '{string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}'.");
            WriteHelp(Console.Error, commands);
            return 2;
        }

        var rest = args.Skip(command.Name.Split(' ').Length).ToList();
        if (rest.Any(HelpWords.Contains))
        {
            await output.WriteLineAsync($"{command.Name}: {command.Summary}");
            return 0;
        }

        try
        {
            // Every command works on a current schema; migrating is idempotent and fast when nothing is pending.
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            return await command.RunAsync(rest, output, CancellationToken.None);
        }
        catch (CommandLineException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    private static bool Matches(string[] words, string[] args) =>
        args.Length >= words.Length && words.Select((w, i) => w == args[i]).All(b => b);

    private static void WriteHelp(TextWriter writer, IReadOnlyList<IPortalCommand> commands)
    {
        writer.WriteLine("Merchant Security Admin Portal");
        writer.WriteLine();
        writer.WriteLine("Usage: AdminPortal [command] [options] [--urls URL] [--Database:Provider Sqlite|Postgres]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        var rows = commands.Select(c => (c.Name, c.Summary)).Prepend(("serve", "Serve the portal (the default when no command is given)."))
            .Append(("--help", "Show this list."))
            .ToList();
        var width = rows.Max(r => r.Item1.Length) + 2;
        foreach (var (name, summary) in rows)
        {
            writer.WriteLine($"  {name.PadRight(width)}{summary}");
        }
    }
}

/// <summary>Bad command-line input: the message is shown as is and the process exits with 2.</summary>
public sealed class CommandLineException(string message) : Exception(message);

/// <summary>Reads <c>--name value</c> options of a command.</summary>
public sealed class CommandOptions(IReadOnlyList<string> args)
{
    public string? Get(string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == $"--{name}")
            {
                return args[i + 1];
            }
        }

        return null;
    }

    public string Require(string name) =>
        Get(name) is { Length: > 0 } value ? value : throw new CommandLineException($"--{name} is required.");

    public int GetInt(string name, int defaultValue, int min, int max)
    {
        var text = Get(name);
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, out var value) && value >= min && value <= max
            ? value
            : throw new CommandLineException($"--{name} must be a whole number from {min} to {max}.");
    }
}
