using Switchyard.Compat.Flags;

namespace Switchyard.Compat.Writes;

/// <summary>Which columns a write sets under the current write mode; the dual-write trigger derives the other.</summary>
/// <param name="Mode">The mode the plan was made from.</param>
/// <param name="WritesLegacy">Set the legacy column (e.g. <c>status</c>).</param>
/// <param name="WritesNew">Set the new column (e.g. <c>state_id</c>).</param>
public sealed record WritePlan(WriteMode Mode, bool WritesLegacy, bool WritesNew)
{
    public static WritePlan For(WriteMode mode) => mode switch
    {
        WriteMode.Legacy => new(mode, WritesLegacy: true, WritesNew: false),
        WriteMode.Both => new(mode, WritesLegacy: true, WritesNew: true),
        WriteMode.New => new(mode, WritesLegacy: false, WritesNew: true),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown write mode."),
    };

    /// <summary>The plan under the flag's current write mode.</summary>
    public static WritePlan For(ICompatFlags flags, string flagKey)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return For(flags.Current(flagKey).WriteMode);
    }
}
