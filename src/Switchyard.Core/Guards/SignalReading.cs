namespace Switchyard.Core.Guards;

/// <summary>
/// One measured value of one signal about one subject (a standby, a slot, a session, a flag). A reading that could not
/// be taken carries <see cref="Error"/> and counts as unhealthy; a signal the database does not offer is not configured.
/// </summary>
public sealed record SignalReading(string Signal, string Subject, double? Value, string Unit, string Detail)
{
    /// <summary>Why the value could not be read (query error, standby unreachable); null when it was read.</summary>
    public string? Error { get; init; }

    /// <summary>False when the signal does not apply here (e.g. no compat mismatch table): never acted on.</summary>
    public bool Configured { get; init; } = true;

    public bool Readable => Error is null;

    public static SignalReading Unreadable(string signal, string subject, string unit, string error) =>
        new(signal, subject, null, unit, "") { Error = error };

    public static SignalReading NotConfigured(string signal, string subject, string unit, string why) =>
        new(signal, subject, null, unit, why) { Configured = false };

    /// <summary>The value as people read it: "12.5 MB", "3.2 s", "0.4 %".</summary>
    public string DisplayValue => Error is not null ? "unreadable" : !Configured ? "not configured" : Value is { } v ? SignalUnits.Format(v, Unit) : "-";
}
