using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Switchyard.Analyzers;

/// <summary>A <c>MigrationBuilder</c> call, read by parameter name (EF's scaffolder always names its arguments).</summary>
internal sealed class MigrationCall
{
    private MigrationCall(IInvocationOperation invocation) => Invocation = invocation;

    public IInvocationOperation Invocation { get; }

    public string Method => Invocation.TargetMethod.Name;

    public static MigrationCall? From(IInvocationOperation invocation, INamedTypeSymbol migrationBuilder) =>
        SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, migrationBuilder) ? new MigrationCall(invocation) : null;

    /// <summary>The explicitly passed argument for <paramref name="parameter"/>; null when the default is used.</summary>
    public IOperation? Argument(string parameter)
    {
        foreach (var argument in Invocation.Arguments)
        {
            if (argument.Parameter?.Name == parameter && argument.ArgumentKind == ArgumentKind.Explicit) return argument.Value;
        }
        return null;
    }

    public string? Text(string parameter) => Argument(parameter)?.ConstantValue is { HasValue: true, Value: string s } ? s : null;

    /// <summary>The boolean passed, or the parameter's declared default when left out; null when not a constant.</summary>
    public bool? Flag(string parameter)
    {
        if (Argument(parameter) is { } value) return value.ConstantValue is { HasValue: true, Value: bool b } ? b : null;
        var declared = Invocation.TargetMethod.Parameters.FirstOrDefaultByName(parameter);
        return declared is { HasExplicitDefaultValue: true, ExplicitDefaultValue: bool d } ? d : null;
    }

    /// <summary>True when <paramref name="parameter"/> was passed anything but a null literal.</summary>
    public bool Passed(string parameter) => Argument(parameter) is { } value && !(value.ConstantValue is { HasValue: true, Value: null });

    /// <summary>The table the call works on, schema-qualified when a schema is given; "?" when not a constant.</summary>
    public string Table(string parameter = "table")
    {
        var table = Text(parameter) ?? "?";
        return Text("schema") is { } schema ? schema + "." + table : table;
    }

    /// <summary>The method name (without type arguments) in <c>migrationBuilder.CreateIndex(...)</c>: where the squiggle goes.</summary>
    public Location NameLocation() => Invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }
        ? member.Name.Identifier.GetLocation()
        : Invocation.Syntax.GetLocation();
}

internal static class ParameterLookup
{
    public static IParameterSymbol? FirstOrDefaultByName(this System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters, string name)
    {
        foreach (var p in parameters)
        {
            if (p.Name == name) return p;
        }
        return null;
    }
}
