using Switchyard.Core.Operations;
using Switchyard.Core.Operations.AddForeignKey;
using Switchyard.Core.Operations.CreateIndex;
using Switchyard.Core.Operations.DropColumn;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Operations.SetNotNull;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Validation;

/// <summary>
/// Which schema objects the migration itself creates on the target column, so the catalog check asserts only those:
/// a spec without <c>add_foreign_key</c> is not failed for having no foreign key, nor one whose <c>drop_column</c> keeps
/// no compat view (EF's generated migrations never do) for having none after Contract.
/// </summary>
public sealed record CatalogExpectations(bool ForeignKey = true, bool Index = true, bool NotNull = true, bool CompatView = true)
{
    /// <summary>Everything the flagship creates (the default when no spec is at hand).</summary>
    public static readonly CatalogExpectations All = new();

    private static CatalogExpectations For(MigrationSpec spec, NormalizationTarget target) => new(
        ForeignKey: spec.Operations.OfType<AddForeignKeyOperation>().Any(o => o.Table == target.Table && o.Column == target.TargetColumn),
        Index: spec.Operations.OfType<CreateIndexOperation>().Any(o => o.Table == target.Table && o.Columns.Count > 0 && o.Columns[0] == target.TargetColumn),
        NotNull: spec.Operations.OfType<SetNotNullOperation>().Any(o => o.Table == target.Table && o.Column == target.TargetColumn),
        CompatView: spec.Operations.OfType<DropColumnOperation>().Any(o => o.Table == target.Table && o.Column == target.SourceColumn && o.CompatView is not null));

    /// <summary>The expectations for the spec's normalize_column target, or <see cref="All"/> when it has none.</summary>
    public static CatalogExpectations For(MigrationSpec spec) =>
        spec.Operations.OfType<NormalizeColumnOperation>().FirstOrDefault() is { } normalize ? For(spec, normalize.Target) : All;
}
