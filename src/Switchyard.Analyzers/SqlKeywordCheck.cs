using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Switchyard.Analyzers;

/// <summary>
/// A small keyword check of the SQL text passed to <c>migrationBuilder.Sql(...)</c>: not the CLI's lexer (an analyzer
/// cannot load Core), so it only looks at statement shapes, split at semicolons, case and spacing ignored.
/// Strings and comments holding a semicolon or a keyword can fool it; `switchyard lint` on the generated script is exact.
/// </summary>
internal static class SqlKeywordCheck
{
    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);
    private static readonly Regex LineComment = new(@"--[^\n]*", RegexOptions.CultureInvariant);

    /// <summary>Each rule broken, once, with the first statement that broke it (shortened for the message).</summary>
    public static IEnumerable<(DiagnosticDescriptor Rule, string Statement)> Hazards(string sql)
    {
        var found = new List<(DiagnosticDescriptor, string)>();
        foreach (var raw in LineComment.Replace(sql, " ").Split(';'))
        {
            var statement = Whitespace.Replace(raw, " ").Trim();
            foreach (var rule in StatementHazards(" " + statement.ToUpperInvariant() + " "))
            {
                if (!found.Exists(f => f.Item1 == rule)) found.Add((rule, statement.Length <= 60 ? statement : statement.Substring(0, 59) + "…"));
            }
        }
        return found;
    }

    private static IEnumerable<DiagnosticDescriptor> StatementHazards(string s)
    {
        var concurrently = s.Contains(" CONCURRENTLY ");
        var notValid = s.Contains(" NOT VALID ");
        if ((s.StartsWith(" CREATE INDEX ") || s.StartsWith(" CREATE UNIQUE INDEX ")) && !concurrently) yield return MigrationRules.IndexWithoutConcurrently;
        if (s.StartsWith(" DROP INDEX ") && !concurrently) yield return MigrationRules.DropIndexWithoutConcurrently;
        if (s.StartsWith(" VACUUM ") && s.Contains("FULL") || s.StartsWith(" CLUSTER ")) yield return MigrationRules.TableRewriteMaintenance;
        if (s.StartsWith(" TRUNCATE ")) yield return MigrationRules.TableRewriteStatement;
        if (s.StartsWith(" LOCK ")) yield return MigrationRules.ExplicitTableLock;
        if (!s.StartsWith(" ALTER TABLE ")) yield break;

        var foreignKey = s.Contains(" FOREIGN KEY ") || s.Contains(" REFERENCES ");
        if (foreignKey && !notValid) yield return MigrationRules.ForeignKeyValidatedInline;
        if (!foreignKey && s.Contains(" ADD CONSTRAINT ") && s.Contains(" CHECK") && !notValid) yield return MigrationRules.CheckValidatedInline;
        if (s.Contains(" SET NOT NULL ")) yield return MigrationRules.SetNotNull;
        if (s.Contains(" ALTER COLUMN ") && s.Contains(" TYPE ")) yield return MigrationRules.ColumnTypeChange;
        if (s.Contains(" RENAME ")) yield return MigrationRules.Rename;
        if ((s.Contains(" UNIQUE") || s.Contains(" PRIMARY KEY")) && s.Contains(" ADD ") && !s.Contains(" USING INDEX ")) yield return MigrationRules.UniqueWithoutIndex;
        if (s.Contains(" SET TABLESPACE ") || s.Contains(" SET LOGGED ") || s.Contains(" SET UNLOGGED ")) yield return MigrationRules.TableRewriteStatement;
    }
}
