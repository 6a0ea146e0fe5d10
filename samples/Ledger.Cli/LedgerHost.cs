using System.CommandLine;
using Switchyard.Cli;
using Switchyard.Samples.Ledger.Cli.Commands;

namespace Switchyard.Samples.Ledger.Cli;

/// <summary>
/// The sample's commands, added to the product's command tree by <c>switchyard-ledger</c>: the product tool ships
/// without the sample, and the demo runs the product's own <c>switchyard</c> binary as its migrator.
/// </summary>
internal static class LedgerHost
{
    public static IEnumerable<Command> Commands() =>
    [
        LedgerCommands.Build(),
        DemoCommand.Build(),
        ProveOperationsCommand.Build(),
        WorkloadCommands.Build(),
        ValidateBenchCommand.AddTo(BenchCommands.Build()),
    ];

    /// <summary>The whole tree the host parses, for tests that walk it.</summary>
    public static RootCommand Root() => CliRoot.Build(Commands());
}
