namespace Switchyard.Core.Chains;

/// <summary>A chain run refused before anything ran: 4 for an edited applied file (like an altered record), 2 for a usage error.</summary>
public sealed class ChainRefusedException(string message, string hint, int exitCode) : SwitchyardException(message, hint)
{
    public override int ExitCode => exitCode;
}
