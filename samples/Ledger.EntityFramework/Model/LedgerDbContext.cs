using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Switchyard.Samples.Ledger.EntityFramework.Model;

/// <summary>The sample ledger as an EF Core model (Npgsql), with the table and column names of samples/Ledger's schema.</summary>
public class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Merchant> Merchants => Set<Merchant>();
    public DbSet<Transaction> Transactions => Set<Transaction>();
    public DbSet<Chargeback> Chargebacks => Set<Chargeback>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>(e =>
        {
            e.ToTable("accounts");
            e.Property(a => a.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(a => a.HolderName).HasColumnName("holder_name");
            e.Property(a => a.Currency).HasColumnName("currency");
            e.Property(a => a.OpenedAt).HasColumnName("opened_at");
        });
        modelBuilder.Entity<Merchant>(e =>
        {
            e.ToTable("merchants");
            e.Property(m => m.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(m => m.Name).HasColumnName("name");
            e.Property(m => m.Mcc).HasColumnName("mcc");
        });
        modelBuilder.Entity<Transaction>(e =>
        {
            e.ToTable("transactions", t => t.HasCheckConstraint("transactions_amount_minor_check", "amount_minor > 0"));
            e.Property(t => t.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(t => t.AccountId).HasColumnName("account_id");
            e.Property(t => t.MerchantId).HasColumnName("merchant_id");
            e.Property(t => t.AmountMinor).HasColumnName("amount_minor");
            e.Property(t => t.Currency).HasColumnName("currency");
#if LEGACY_STATUS
            e.Property(t => t.Status).HasColumnName("status");
#else
            e.Property(t => t.StateId).HasColumnName("state_id");
            e.HasOne(t => t.State).WithMany().HasForeignKey(t => t.StateId).HasConstraintName("transactions_state_id_fkey");
            e.HasIndex(t => t.StateId).HasDatabaseName("transactions_state_id_idx");
#endif
            e.Property(t => t.AuthCode).HasColumnName("auth_code");
            e.Property(t => t.CreatedAt).HasColumnName("created_at");
            e.Property(t => t.UpdatedAt).HasColumnName("updated_at");
            e.HasOne(t => t.Account).WithMany().HasForeignKey(t => t.AccountId).HasConstraintName("transactions_account_id_fkey");
            e.HasOne(t => t.Merchant).WithMany().HasForeignKey(t => t.MerchantId).HasConstraintName("transactions_merchant_id_fkey");
            e.HasIndex(t => new { t.AccountId, t.CreatedAt }).HasDatabaseName("transactions_account_created_idx");
            e.HasIndex(t => new { t.MerchantId, t.CreatedAt }).HasDatabaseName("transactions_merchant_created_idx");
            e.HasIndex(t => t.CreatedAt).HasDatabaseName("transactions_created_idx");
        });
        modelBuilder.Entity<Chargeback>(e =>
        {
            e.ToTable("chargebacks");
            e.Property(c => c.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(c => c.TransactionId).HasColumnName("transaction_id");
            e.Property(c => c.AmountMinor).HasColumnName("amount_minor");
            e.Property(c => c.ReasonCode).HasColumnName("reason_code");
            e.Property(c => c.OpenedAt).HasColumnName("opened_at");
            e.HasOne(c => c.Transaction).WithMany().HasForeignKey(c => c.TransactionId).HasConstraintName("chargebacks_transaction_id_fkey");
            e.HasIndex(c => c.TransactionId).HasDatabaseName("chargebacks_transaction_idx");
        });
#if !LEGACY_STATUS
        modelBuilder.Entity<TransactionState>(e =>
        {
            e.ToTable("transaction_state");
            e.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(s => s.Code).HasColumnName("code");
            e.HasIndex(s => s.Code).IsUnique().HasDatabaseName("transaction_state_code_key");
            e.HasData(States.Select((code, i) => new TransactionState { Id = i + 1, Code = code }));
        });
#endif
        foreach (var key in modelBuilder.Model.GetEntityTypes().Select(t => t.FindPrimaryKey()!))
            key.SetName(key.DeclaringEntityType.GetTableName() + "_pkey");
    }

    /// <summary>The codes of the flagship's lookup, in id order.</summary>
    public static readonly string[] States = ["authorized", "captured", "settled", "refunded", "declined", "voided", "charged_back"];
}

/// <summary>Lets `dotnet ef` and Switchyard build the context without the application (no database is opened).</summary>
public sealed class LedgerDbContextFactory : IDesignTimeDbContextFactory<LedgerDbContext>
{
    public LedgerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LedgerDbContext>().UseNpgsql(Environment.GetEnvironmentVariable("LEDGER_EF_CONNECTION") ?? "Host=localhost;Database=ledger").Options);
}
