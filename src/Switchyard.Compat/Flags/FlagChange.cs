namespace Switchyard.Compat.Flags;

/// <summary>A flag value this process newly applied, with where it came from and when (per the client's <see cref="TimeProvider"/>).</summary>
public sealed record FlagChange(CompatFlag Flag, CompatFlag? Previous, FlagSource Source, long ObservedTimestamp);
