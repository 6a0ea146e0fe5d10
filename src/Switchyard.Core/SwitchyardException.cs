namespace Switchyard.Core;

/// <summary>An error a user can act on: what went wrong, where, and the next thing to do.</summary>
public class SwitchyardException : Exception
{
    public SwitchyardException(string message, string? hint = null, Exception? inner = null)
        : base(message, inner) => Hint = hint;

    public SwitchyardException() : this("Switchyard failed.") { }

    public SwitchyardException(string message) : this(message, null, null) { }

    public SwitchyardException(string message, Exception inner) : this(message, null, inner) { }

    /// <summary>The next command or change that fixes the problem.</summary>
    public string? Hint { get; }

    /// <summary>Process exit code the CLI returns for this error.</summary>
    public virtual int ExitCode => 2;
}
