using System.CommandLine;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Connections;

namespace Switchyard.Cli;

/// <summary>Wraps every command: one context, errors printed as what/where/hint with a non-zero exit, no stack trace unless --verbose.</summary>
internal static class CommandAction
{
    public static void Set(Command command, Func<CliContext, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, ct) =>
        {
            await using var context = new CliContext(parseResult);
            try
            {
                return await action(context, ct).ConfigureAwait(false);
            }
            catch (SwitchyardException e)
            {
                CliOutput.Fail(e.Message, e.Hint);
                if (context.Verbose) CliOutput.Verbose(e);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                CliOutput.Fail("Cancelled. Work done so far is journaled; re-run the same command to continue.", null);
                return 130;
            }
            catch (Exception e) when (context.Target is { } target && DatabaseErrors.Explain(e, target) is { } explained)
            {
                CliOutput.Fail(explained.Message, explained.Hint);
                if (context.Verbose) CliOutput.Verbose(e);
                return explained.ExitCode;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or InvalidOperationException)
            {
                CliOutput.Fail($"{e.GetType().Name}: {e.Message}", "Re-run with --verbose for details.");
                if (context.Verbose) CliOutput.Verbose(e);
                return 1;
            }
        });
}
