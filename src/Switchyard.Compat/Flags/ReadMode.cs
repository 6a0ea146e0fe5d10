namespace Switchyard.Compat.Flags;

/// <summary>Which shape application reads use, as stored in <c>switchyard.flags.read_mode</c>.</summary>
public enum ReadMode
{
    /// <summary>Read the legacy column only (<c>legacy</c>).</summary>
    Legacy,
    /// <summary>Read legacy, also read new, compare, return legacy and record mismatches (<c>shadow</c>).</summary>
    Shadow,
    /// <summary>Read new for <c>read_percent</c>% of routing keys (sticky per key), legacy for the rest (<c>new</c>).</summary>
    New,
    /// <summary>Read the new shape only (<c>new_only</c>).</summary>
    NewOnly,
}
