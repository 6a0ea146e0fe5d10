using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// What EF's model cannot say about a normalized column's legacy values: how to clean them before they are looked up.
/// The default takes them as they are (exact codes) and stops the backfill on any other value.
/// </summary>
public sealed record EfTranslationOptions(bool Trim = false, bool Lowercase = false, IReadOnlyDictionary<string, string>? Aliases = null, UnmappedPolicy? Unmapped = null)
{
    public static readonly EfTranslationOptions Exact = new();
}
