using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Chains;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;

namespace Switchyard.Cli.Commands;

/// <summary>A folder of specs as one history: `apply &lt;folder&gt;` runs what is not applied, `baseline` adopts what already is.</summary>
internal static class ChainCommands
{
    internal sealed record ApplySettings(MigrationPhase? To, string? Confirm, bool ExpectOne, int BatchSize, bool Json, SafeSqlOptions Runner);

    public static async Task<int> ApplyAsync(CliContext ctx, string directory, ApplySettings settings, CancellationToken ct)
    {
        if (settings.To is not null)
            throw new SwitchyardException("--to stops one migration at a phase; with a folder it would be ambiguous.", "Apply that migration's file with --to, or drop --to.");
        var files = MigrationChain.Load(directory);
        if (settings.Confirm is { } confirm && files.All(f => f.Spec.Name != confirm))
            throw new SwitchyardException($"--confirm '{confirm}' names no migration in {directory}: nothing was run.",
                $"Use one of: {string.Join(", ", files.Select(f => f.Spec.Name))}.");
        await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
        var sql = ctx.Sql(settings.Runner);
        var result = await new ChainRunner(new MigrationJournal(sql)).ApplyAsync(files, settings.ExpectOne, async (file, token) =>
        {
            if (!settings.Json) CliOutput.Plain($"{file.FileName}: {file.Spec.Name}");
            await using var plugged = await ApplyPlugins.BuildAsync(ctx, sql, settings.BatchSize, file.Spec, token).ConfigureAwait(false);
            var stepDone = settings.Json ? null : new Action<string>(key => CliOutput.Plain($"  done: {key}"));
            var run = await plugged.Engine.ApplyAsync(file.Spec, new ApplyOptions { Confirm = settings.Confirm == file.Spec.Name ? settings.Confirm : null, StepDone = stepDone }, token).ConfigureAwait(false);
            if (!settings.Json) MigrationCommands.Print(run, false, stepsPrinted: true);
            return run;
        }, ct).ConfigureAwait(false);
        if (settings.Json) CliOutput.WriteJson(result);
        else CliOutput.Plain($"chain {directory}: {result.Message}");
        return result.Ran.LastOrDefault()?.Result.State is MigrationStates.Failed or MigrationStates.Paused ? 5 : 0;
    }

    public static Command Baseline()
    {
        var command = new Command("baseline", "Adopt the folder's migrations up to --through as already applied, without running them (a schema that has them).");
        var directory = new Argument<string>("folder") { Description = "The folder of migration specs." };
        var through = new Option<string>("--through") { Description = "The last file (or migration name) the schema already has.", Required = true };
        var json = GlobalOptions.Json();
        command.Arguments.Add(directory);
        command.Options.Add(through);
        command.Options.Add(json);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var files = MigrationChain.Load(ctx.ParseResult.GetValue(directory)!);
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var entries = await new ChainRunner(new MigrationJournal(ctx.Sql())).BaselineAsync(files, ctx.ParseResult.GetValue(through)!, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(entries.Select(e => new { file = e.File.FileName, migration = e.File.Spec.Name, state = e.State.ToString().ToLowerInvariant() }));
            else CliOutput.Table(null, ["file", "migration", "state"], entries.Select(e => new[] { e.File.FileName, e.File.Spec.Name, e.State.ToString().ToLowerInvariant() }));
            return 0;
        });
        return command;
    }
}
