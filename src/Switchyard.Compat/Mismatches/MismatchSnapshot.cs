namespace Switchyard.Compat.Mismatches;

/// <summary>Cumulative shadow-read figures of one flag in this process.</summary>
/// <param name="FlagKey">The flag.</param>
/// <param name="Reads">Shadow comparisons attempted.</param>
/// <param name="Mismatches">Comparisons that differed, plus shadow reads that failed (both mean "new is not ready").</param>
/// <param name="Errors">Shadow reads of the new shape that threw (already counted in <see cref="Mismatches"/>).</param>
/// <param name="SampleKeys">The most recent distinct routing keys that mismatched, newest last.</param>
public sealed record MismatchSnapshot(string FlagKey, long Reads, long Mismatches, long Errors, IReadOnlyList<string> SampleKeys)
{
    /// <summary>Mismatches per read, 0 when nothing was read.</summary>
    public double Rate => Reads == 0 ? 0 : (double)Mismatches / Reads;
}
