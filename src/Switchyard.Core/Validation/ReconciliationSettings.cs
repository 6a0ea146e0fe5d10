using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation;

/// <summary>A named balance: the Σ amount of rows whose canonical code is one of <see cref="Codes"/>.</summary>
public sealed record BalanceBucket(string Name, IReadOnlyList<string> Codes);

/// <summary>A table whose rows reference the source table (e.g. chargebacks.transaction_id) and carry an amount.</summary>
public sealed record ChildTable(QualifiedName Table, string ParentKeyColumn, string AmountColumn);

/// <summary>
/// What the source table's money means, so validation can prove the migration kept every cent and report line: which
/// columns hold time, amount and the balance group, the balance definitions, the child tables, and the report shape.
/// </summary>
public sealed record ReconciliationSettings
{
    /// <summary>The row's time, used for completeness and count windows and the report's day.</summary>
    /// <value>The default is <c>created_at</c>.</value>
    public string TimeColumn { get; init; } = "created_at";

    /// <summary>The row's amount in minor units.</summary>
    /// <value>The default is <c>amount_minor</c>.</value>
    public string AmountColumn { get; init; } = "amount_minor";

    /// <summary>The column balances are grouped by.</summary>
    /// <value>The default is <c>account_id</c>.</value>
    public string BalanceGroupColumn { get; init; } = "account_id";

    /// <summary>The balances per group; each must be equal computed from the legacy column and from the lookup.</summary>
    public IReadOnlyList<BalanceBucket> BalanceBuckets { get; init; } = [];

    /// <summary>Tables referencing the source table whose counts and sums by parent code must agree both ways.</summary>
    public IReadOnlyList<ChildTable> ChildTables { get; init; } = [];

    /// <summary>The regulatory report's grouping columns besides the UTC day of <see cref="TimeColumn"/> and the code.</summary>
    /// <value>The default is <c>currency</c>.</value>
    public IReadOnlyList<string> ReportColumns { get; init; } = ["currency"];

    /// <summary>The view that keeps exposing the legacy column after Contract; null means: find a view over the table that has it.</summary>
    public QualifiedName? CompatView { get; init; }

    /// <summary>The dual-write trigger's name; null means: any enabled user trigger on the table counts.</summary>
    public string? TriggerName { get; init; }

    /// <summary>A spec's <c>validation:</c> section, or the default column names when it has none.</summary>
    public static ReconciliationSettings For(Spec.MigrationSpec spec) => spec.Validation ?? new ReconciliationSettings();
}
