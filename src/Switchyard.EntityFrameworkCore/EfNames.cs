using Switchyard.Core.Execution;
using Switchyard.Core.Spec;

namespace Switchyard.EntityFrameworkCore;

/// <summary>EF's names held to the rule pgroll's parser applies to identifiers (63 bytes, no control characters).</summary>
internal static class EfNames
{
    /// <summary>The first name that breaks the rule, as a refusal reason; null when all are fine (null names are skipped).</summary>
    public static string? Problem(params string?[] names) =>
        names.Where(n => n is not null).Select(n => IdentifierRule.Check(n!, $"'{n}'")).FirstOrDefault(p => p is not null) is { } bad ? $"{bad.Problem} {bad.Hint}" : null;

    public static QualifiedName Table(string name, string? schema) => new(schema ?? "public", name);
}
