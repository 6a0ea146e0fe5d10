using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Switchyard.Samples.Ledger.EntityFramework.Migrations
{
    /// <inheritdoc />
    public partial class NormalizeTransactionStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "status",
                table: "transactions");

            migrationBuilder.AddColumn<int>(
                name: "state_id",
                table: "transactions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "transaction_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("transaction_state_pkey", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "transaction_state",
                columns: new[] { "id", "code" },
                values: new object[,]
                {
                    { 1, "authorized" },
                    { 2, "captured" },
                    { 3, "settled" },
                    { 4, "refunded" },
                    { 5, "declined" },
                    { 6, "voided" },
                    { 7, "charged_back" }
                });

            migrationBuilder.CreateIndex(
                name: "transactions_state_id_idx",
                table: "transactions",
                column: "state_id");

            migrationBuilder.CreateIndex(
                name: "transaction_state_code_key",
                table: "transaction_state",
                column: "code",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "transactions_state_id_fkey",
                table: "transactions",
                column: "state_id",
                principalTable: "transaction_state",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "transactions_state_id_fkey",
                table: "transactions");

            migrationBuilder.DropTable(
                name: "transaction_state");

            migrationBuilder.DropIndex(
                name: "transactions_state_id_idx",
                table: "transactions");

            migrationBuilder.DropColumn(
                name: "state_id",
                table: "transactions");

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "transactions",
                type: "text",
                nullable: false,
                defaultValue: "");
        }
    }
}
