namespace Switchyard.Samples.Ledger.EntityFramework.Model;

/// <summary>An account holding money in one currency.</summary>
public class Account
{
    public long Id { get; set; }
    public string HolderName { get; set; } = "";
    public string Currency { get; set; } = "";
    public DateTimeOffset OpenedAt { get; set; }
}

/// <summary>A merchant transactions are paid to.</summary>
public class Merchant
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Mcc { get; set; } = "";
}

/// <summary>A card transaction; its state is the lookup row <see cref="State"/> (the legacy model kept free text in <c>status</c>).</summary>
public class Transaction
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public Account Account { get; set; } = null!;
    public long MerchantId { get; set; }
    public Merchant Merchant { get; set; } = null!;
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "";
#if LEGACY_STATUS
    public string Status { get; set; } = "";
#else
    public int StateId { get; set; }
    public TransactionState State { get; set; } = null!;
#endif
    public string? AuthCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A chargeback against a transaction.</summary>
public class Chargeback
{
    public long Id { get; set; }
    public long TransactionId { get; set; }
    public Transaction Transaction { get; set; } = null!;
    public long AmountMinor { get; set; }
    public string ReasonCode { get; set; } = "";
    public DateTimeOffset OpenedAt { get; set; }
}

#if !LEGACY_STATUS
/// <summary>The lookup of transaction states the flagship migration introduces.</summary>
public class TransactionState
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
}
#endif
