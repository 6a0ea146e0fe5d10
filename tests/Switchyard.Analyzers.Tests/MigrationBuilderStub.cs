namespace Switchyard.Analyzers.Tests;

/// <summary>
/// The slice of EF Core's migration API the analyzer matches, with EF's namespaces and parameter names, so tests
/// compile migrations without restoring EF Core into every test compilation.
/// </summary>
internal static class MigrationBuilderStub
{
    public const string Source = """
        using System;
        namespace Microsoft.EntityFrameworkCore.Migrations.Operations
        {
            public class MigrationOperation { }
            public class CreateIndexOperation : MigrationOperation { }
            public class AddColumnOperation : MigrationOperation { }
            public class AlterColumnOperation : MigrationOperation { }
            public class OtherOperation : MigrationOperation { }
        }
        namespace Microsoft.EntityFrameworkCore.Migrations.Operations.Builders
        {
            using Microsoft.EntityFrameworkCore.Migrations.Operations;
            public class OperationBuilder<TOperation> where TOperation : MigrationOperation
            {
                public virtual OperationBuilder<TOperation> Annotation(string name, object value) => this;
            }
            public class ColumnsBuilder
            {
                public virtual OperationBuilder<AddColumnOperation> Column<T>(string type = null, bool nullable = false) => new();
            }
            public class CreateTableBuilder<TColumns> { }
        }
        namespace Microsoft.EntityFrameworkCore.Migrations
        {
            using Microsoft.EntityFrameworkCore.Migrations.Operations;
            using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
            public class MigrationBuilder
            {
                public virtual OperationBuilder<CreateIndexOperation> CreateIndex(string name, string table, string column, string schema = null, bool unique = false, string filter = null) => new();
                public virtual OperationBuilder<CreateIndexOperation> CreateIndex(string name, string table, string[] columns, string schema = null, bool unique = false, string filter = null) => new();
                public virtual OperationBuilder<OtherOperation> DropIndex(string name, string table = null, string schema = null) => new();
                public virtual OperationBuilder<OtherOperation> CreateTable<TColumns>(string name, Func<ColumnsBuilder, TColumns> columns, string schema = null, Action<CreateTableBuilder<TColumns>> constraints = null, string comment = null) => new();
                public virtual OperationBuilder<AddColumnOperation> AddColumn<T>(string name, string table, string type = null, bool? unicode = null, int? maxLength = null, bool rowVersion = false, string schema = null, bool nullable = false, object defaultValue = null, string defaultValueSql = null, string computedColumnSql = null, bool? fixedLength = null, string comment = null, string collation = null, int? precision = null, int? scale = null, bool? stored = null) => new();
                public virtual OperationBuilder<AlterColumnOperation> AlterColumn<T>(string name, string table, string type = null, bool? unicode = null, int? maxLength = null, bool rowVersion = false, string schema = null, bool nullable = false, object defaultValue = null, string defaultValueSql = null, string computedColumnSql = null, Type oldClrType = null, string oldType = null, bool? oldUnicode = null, int? oldMaxLength = null, bool oldRowVersion = false, bool oldNullable = false, object oldDefaultValue = null) => new();
                public virtual OperationBuilder<OtherOperation> RenameColumn(string name, string table, string newName, string schema = null) => new();
                public virtual OperationBuilder<OtherOperation> RenameTable(string name, string schema = null, string newName = null, string newSchema = null) => new();
                public virtual OperationBuilder<OtherOperation> AddForeignKey(string name, string table, string column, string principalTable, string schema = null, string principalSchema = null, string principalColumn = null) => new();
                public virtual OperationBuilder<OtherOperation> AddCheckConstraint(string name, string table, string sql, string schema = null) => new();
                public virtual OperationBuilder<OtherOperation> AddUniqueConstraint(string name, string table, string[] columns, string schema = null) => new();
                public virtual OperationBuilder<OtherOperation> AddPrimaryKey(string name, string table, string column, string schema = null) => new();
                public virtual OperationBuilder<OtherOperation> Sql(string sql, bool suppressTransaction = false) => new();
            }
            // A project-side helper some teams write; the analyzer accepts it like the Npgsql annotation it stands for.
            public static class ConcurrentIndexExtensions
            {
                public static OperationBuilder<CreateIndexOperation> IsCreatedConcurrently(this OperationBuilder<CreateIndexOperation> builder, bool createdConcurrently = true) =>
                    builder.Annotation("Npgsql:CreatedConcurrently", createdConcurrently);
            }
            public abstract class Migration
            {
                protected abstract void Up(MigrationBuilder migrationBuilder);
            }
        }
        """;
}
