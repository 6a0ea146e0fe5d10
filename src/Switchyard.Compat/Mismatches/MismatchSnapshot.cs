namespace Switchyard.Compat.Mismatches;

/// <summary>Cumulative shadow-read figures of one flag in this process.</summary>
/// <param name="FlagKey">The flag.</param>
/// <param name="Reads">Shadow comparisons attempted.</param>
/// <param name="Mismatches">Comparisons whose two shapes differed.</param>
/// <param name="Errors">Shadow reads whose new shape threw (counted in <see cref="Reads"/>, not in <see cref="Mismatches"/>).</param>
/// <param name="SampleKeys">The most recent distinct routing keys that mismatched or failed, newest last.</param>
public sealed record MismatchSnapshot(string FlagKey, long Reads, long Mismatches, long Errors, IReadOnlyList<string> SampleKeys)
{
    /// <summary>(Mismatches + errors) per read, 0 when nothing was read: either means the new path cannot be trusted yet.</summary>
    public double Rate => Reads == 0 ? 0 : (double)(Mismatches + Errors) / Reads;
}
