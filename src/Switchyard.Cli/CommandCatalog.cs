using System.CommandLine;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli;

/// <summary>Every top-level command, one line each, so features add themselves without touching Program.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        LocalCommands.Build(),
        LintCommands.Build(),
        EfCommands.Build(),
        RunbookCommands.Runbook(),
        RunbookCommands.Evidence(),
        BackfillCommands.Build(),
        MigrationCommands.Plan(),
        MigrationCommands.Apply(),
        ChainCommands.Baseline(),
        MigrationCommands.Status(),
        MigrationCommands.Rollback(),
        MigrationCommands.Cutover(),
        MigrationCommands.Pause(),
        MigrationCommands.Resume(),
        MigrationCommands.Abort(),
        ValidateCommands.Build(),
        WatchCommand.Build(),
    ];
}
