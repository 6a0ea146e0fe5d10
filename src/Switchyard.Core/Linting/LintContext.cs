using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>What the rules have learnt from the statements before the current one.</summary>
public sealed class LintContext
{
    private readonly HashSet<string> _createdTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Table, string Column)> _notNullChecks = new(StringComparer.Ordinal);
    private readonly HashSet<(string Table, string Column)> _validatedNotNull = [];
    private readonly Dictionary<string, int> _dropped = new(StringComparer.Ordinal);

    public LintContext(string source) => Source = source;

    public string Source { get; }

    /// <summary>Session-level (SET) or transaction-level (SET LOCAL, until the block ends) lock_timeout is in force.</summary>
    public bool LockTimeoutSession { get; set; }
    public bool LockTimeoutLocal { get; set; }
    public bool StatementTimeoutSession { get; set; }
    public bool StatementTimeoutLocal { get; set; }
    public bool LockTimeoutReported { get; set; }
    public bool StatementTimeoutReported { get; set; }

    public bool HasLockTimeout => LockTimeoutSession || LockTimeoutLocal;
    public bool HasStatementTimeout => StatementTimeoutSession || StatementTimeoutLocal;

    /// <summary>A table created earlier in this file is new and empty: nothing else uses it yet.</summary>
    public bool IsNewTable(QualifiedName table) => _createdTables.Contains(table.ToString());

    public void TableCreated(QualifiedName table) => _createdTables.Add(table.ToString());

    public void NotNullCheckAdded(string constraint, QualifiedName table, string column, bool validated)
    {
        _notNullChecks[constraint] = (table.ToString(), column);
        if (validated) _validatedNotNull.Add((table.ToString(), column));
    }

    public void ConstraintValidated(string constraint)
    {
        if (_notNullChecks.TryGetValue(constraint, out var target)) _validatedNotNull.Add(target);
    }

    public bool HasValidatedNotNullCheck(QualifiedName table, string column) => _validatedNotNull.Contains((table.ToString(), column));

    /// <summary>A DROP of a function, trigger or view (key from <see cref="DroppedObjects"/>) at statement <paramref name="index"/>.</summary>
    public void ObjectDropped(string key, int index) => _dropped.TryAdd(key, index);

    /// <summary>True when a statement before <paramref name="index"/> dropped the object.</summary>
    public bool DroppedBefore(string key, int index) => _dropped.TryGetValue(key, out var at) && at < index;

    public void TransactionBlockEnded()
    {
        LockTimeoutLocal = false;
        StatementTimeoutLocal = false;
    }
}
