using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Switchyard.EntityFrameworkCore;

/// <summary>One migration of an application's migrations assembly, as EF Core's own services built it.</summary>
/// <param name="Id">The migration id, e.g. 20261203010729_NormalizeTransactionStatus (the history table's MigrationId).</param>
/// <param name="ProductVersion">The EF Core version the history table records for it.</param>
/// <param name="Up">The operations of its Up method.</param>
/// <param name="TargetModel">The model after it (column names of keys come from here); null when the migration has none.</param>
public sealed record EfMigration(string Id, string ProductVersion, IReadOnlyList<MigrationOperation> Up, IReadOnlyModel? TargetModel);
