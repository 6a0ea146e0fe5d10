namespace Switchyard.Core.Guards;

/// <summary>A source of readings sampled between batches and during long steps.</summary>
public interface IGuardSignal
{
    /// <summary>Short name shown when the whole signal fails (e.g. "replication lag").</summary>
    string Name { get; }

    /// <summary>Reads the current values. May throw; the guard set turns a failure into an unreadable reading.</summary>
    Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct);

    /// <summary>The signal names this source produces, so a failure can be reported under each of them.</summary>
    IReadOnlyList<(string Signal, string Unit)> Produces { get; }
}
