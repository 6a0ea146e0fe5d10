using Switchyard.Cli;
using Switchyard.Samples.Ledger.Cli;

return await SwitchyardProgram.RunAsync(args, LedgerHost.Commands()).ConfigureAwait(false);
