using Switchyard.Core.Spec;

namespace Switchyard.EntityFrameworkCore;

/// <summary>An EF operation Switchyard cannot run online, by EF's operation name, with why.</summary>
public sealed record EfRefusal(string Operation, string Reason);

/// <summary>
/// An EF migration translated into Switchyard operations. <see cref="Refusals"/> non-empty means the plan is refused:
/// nothing of it may run. <see cref="Notes"/> say where the translation chose something EF did not spell out.
/// </summary>
public sealed record EfPlan(EfMigration Migration, IReadOnlyList<SpecOperation> Operations, IReadOnlyList<EfRefusal> Refusals, IReadOnlyList<string> Notes)
{
    public bool Refused => Refusals.Count > 0;

    /// <summary>The Switchyard migration: named by the EF migration id, so the journal and EF's history name the same thing.</summary>
    public MigrationSpec ToSpec() => Refused
        ? throw new Core.SwitchyardException($"EF migration {Migration.Id} cannot run online: {string.Join("; ", Refusals.Select(r => $"{r.Operation}: {r.Reason}"))}.",
            "Split the migration so the refused operations run on their own (they block or rewrite the table), or write them as a Switchyard spec.")
        : new MigrationSpec(Migration.Id, Operations, $"ef-migration {Migration.Id} ({Migration.ProductVersion})\n" + string.Join("\n", Operations.Select(o => System.Text.Json.JsonSerializer.Serialize(o, o.GetType()))));
}
