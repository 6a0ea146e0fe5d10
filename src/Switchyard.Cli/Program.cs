using Switchyard.Cli;

return await SwitchyardProgram.RunAsync(args, []).ConfigureAwait(false);
