using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Switchyard.Analyzers;

/// <summary>
/// SY001 fix: append <c>.Annotation("Npgsql:CreatedConcurrently", true)</c> to the CreateIndex call. That is what
/// Npgsql's model-side <c>IsCreatedConcurrently()</c> scaffolds; <c>OperationBuilder</c> has no such method, so the
/// annotation is the form that compiles in a migration.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CreateIndexConcurrentlyCodeFix)), Shared]
public sealed class CreateIndexConcurrentlyCodeFix : CodeFixProvider
{
    public const string Title = "Create the index concurrently (Npgsql:CreatedConcurrently)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [MigrationRules.IndexWithoutConcurrently.Id];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            // Only CreateIndex calls carry a method-name location; SY001 on Sql(...) text has no mechanical fix.
            var name = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (name.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax createIndex }) continue;
            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(createIndex, Concurrent(createIndex)))), Title),
                diagnostic);
        }
    }

    private static ExpressionSyntax Concurrent(InvocationExpressionSyntax createIndex) =>
        SyntaxFactory.ParseExpression(createIndex.WithoutTrivia().ToFullString() + ".Annotation(\"" + MigrationBuilderAnalyzer.CreatedConcurrentlyAnnotation + "\", true)")
            .WithTriviaFrom(createIndex);
}
