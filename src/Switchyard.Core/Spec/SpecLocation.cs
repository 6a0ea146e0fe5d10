namespace Switchyard.Core.Spec;

/// <summary>Where something was written in a spec file (1-based line and column), or "built in code".</summary>
public sealed record SpecLocation(string File, int Line, int Column)
{
    public static readonly SpecLocation InCode = new("<code>", 0, 0);

    public override string ToString() => Line == 0 ? File : $"{File}:{Line}:{Column}";
}

/// <summary>A spec that cannot run: names file:line:col, what is wrong and how to fix it; nothing has been changed.</summary>
public sealed class SpecException : SwitchyardException
{
    public SpecException(SpecLocation location, string message, string hint)
        : base($"{location}: {message}", hint) => Location = location;

    public SpecException() : this(SpecLocation.InCode, "invalid spec", "Fix the spec.") { }

    public SpecException(string message) : this(SpecLocation.InCode, message, "Fix the spec.") { }

    public SpecException(string message, Exception inner) : base(message, "Fix the spec.", inner) => Location = SpecLocation.InCode;

    public SpecLocation Location { get; }

    public override int ExitCode => 4;
}
