using Npgsql;
using Switchyard.Core.Connections;

namespace Switchyard.Core.Tests.Connections;

public sealed class ConnectionResolverTests
{
    [Fact]
    public void Parse_Uri_ReadsEveryPart()
    {
        var cs = new NpgsqlConnectionStringBuilder(ConnectionResolver.Parse("postgres://app:s%40cret@db.internal:6543/ledger?sslmode=disable", "test"));

        cs.Host.ShouldBe("db.internal");
        cs.Port.ShouldBe(6543);
        cs.Database.ShouldBe("ledger");
        cs.Username.ShouldBe("app");
        cs.Password.ShouldBe("s@cret");
        cs.SslMode.ShouldBe(SslMode.Disable);
    }

    [Fact]
    public void Parse_LibpqKeywordForm_IsAccepted()
    {
        var cs = new NpgsqlConnectionStringBuilder(ConnectionResolver.Parse("host=localhost port=5433 dbname=ledger user=app", "test"));
        cs.Port.ShouldBe(5433);
        cs.Database.ShouldBe("ledger");
        cs.Username.ShouldBe("app");
    }

    [Fact]
    public void Parse_Garbage_ErrorNeverEchoesTheValue()
    {
        var error = Should.Throw<SwitchyardException>(() => ConnectionResolver.Parse("Host=x;Password=hunter2;Bogus Key=1", "--connection"));
        error.Message.ShouldNotContain("hunter2");
        error.Message.ShouldContain("--connection");
        error.Hint.ShouldNotBeNull();
    }

    [Fact]
    public void Describe_AndRedacted_NeverShowThePassword()
    {
        var settings = new ConnectionSettings("Host=db;Port=5432;Username=app;Password=hunter2;Database=ledger", "test", false);
        settings.Describe().ShouldBe("app@db:5432/ledger");
        settings.Redacted().ShouldNotContain("hunter2");
    }
}
