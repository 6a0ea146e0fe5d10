namespace Switchyard.Compat.Flags;

/// <summary>Which columns application writes set, as stored in <c>switchyard.flags.write_mode</c>.</summary>
public enum WriteMode
{
    /// <summary>Write the legacy column only; the dual-write trigger derives the new one (<c>legacy</c>).</summary>
    Legacy,
    /// <summary>Write both columns with agreeing values (<c>both</c>).</summary>
    Both,
    /// <summary>Write the new column only; the trigger derives the legacy one until Contract (<c>new</c>).</summary>
    New,
}
