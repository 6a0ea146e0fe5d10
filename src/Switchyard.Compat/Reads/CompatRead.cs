namespace Switchyard.Compat.Reads;

/// <summary>One read in both shapes, for <see cref="CompatReader"/> to route.</summary>
/// <param name="Legacy">Reads the legacy shape.</param>
/// <param name="New">Reads the new shape.</param>
public sealed record CompatRead<T>(Func<CancellationToken, Task<T>> Legacy, Func<CancellationToken, Task<T>> New)
{
    /// <summary>
    /// Reads both shapes in one snapshot (e.g. one REPEATABLE READ transaction), so a concurrent write between the two
    /// reads is not reported as a mismatch. When null, shadow reads call <see cref="Legacy"/> then <see cref="New"/>.
    /// </summary>
    public Func<CancellationToken, Task<(T Legacy, T New)>>? Both { get; init; }

    /// <summary>How to compare the two results.</summary>
    /// <value>The default value is <see cref="EqualityComparer{T}.Default"/>.</value>
    public IEqualityComparer<T>? Comparer { get; init; }
}
