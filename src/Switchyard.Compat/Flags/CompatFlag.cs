using System.Globalization;

namespace Switchyard.Compat.Flags;

/// <summary>One row of <c>switchyard.flags</c>: how the application reads and writes one migrated column.</summary>
/// <param name="FlagKey">The migrated column, <c>schema.table.column</c> (e.g. <c>public.transactions.status</c>).</param>
/// <param name="ReadMode">Which shape reads use.</param>
/// <param name="ReadPercent">Share of routing keys that read new under <see cref="Flags.ReadMode.New"/>, 0..100.</param>
/// <param name="WriteMode">Which columns writes set.</param>
/// <param name="Version">Bumped by every change; a cached value is only ever replaced by a newer one.</param>
/// <param name="UpdatedAt">When the row was last changed.</param>
public sealed record CompatFlag(string FlagKey, ReadMode ReadMode, int ReadPercent, WriteMode WriteMode, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>What a key with no row means: everything legacy, version 0 (older than any stored row).</summary>
    public static CompatFlag Default(string flagKey) => new(flagKey, ReadMode.Legacy, 0, WriteMode.Legacy, 0, DateTimeOffset.MinValue);

    /// <summary>True when this value should replace <paramref name="cached"/>: a higher version, or the same version rewritten later.</summary>
    public bool IsNewerThan(CompatFlag cached) =>
        Version > cached.Version || (Version == cached.Version && UpdatedAt >= cached.UpdatedAt && this != cached);

    public static ReadMode ParseReadMode(string value) => value switch
    {
        "legacy" => ReadMode.Legacy,
        "shadow" => ReadMode.Shadow,
        "new" => ReadMode.New,
        "new_only" => ReadMode.NewOnly,
        _ => throw new FormatException($"switchyard.flags.read_mode '{value}' is not one of legacy, shadow, new, new_only."),
    };

    public static WriteMode ParseWriteMode(string value) => value switch
    {
        "legacy" => WriteMode.Legacy,
        "both" => WriteMode.Both,
        "new" => WriteMode.New,
        _ => throw new FormatException($"switchyard.flags.write_mode '{value}' is not one of legacy, both, new."),
    };

    public static string ToSql(ReadMode mode) => mode switch
    {
        ReadMode.Legacy => "legacy",
        ReadMode.Shadow => "shadow",
        ReadMode.New => "new",
        ReadMode.NewOnly => "new_only",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static string ToSql(WriteMode mode) => mode switch
    {
        WriteMode.Legacy => "legacy",
        WriteMode.Both => "both",
        WriteMode.New => "new",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public override string ToString() =>
        $"{FlagKey}: read={ToSql(ReadMode)}@{ReadPercent.ToString(CultureInfo.InvariantCulture)}% write={ToSql(WriteMode)} v{Version.ToString(CultureInfo.InvariantCulture)}";
}
