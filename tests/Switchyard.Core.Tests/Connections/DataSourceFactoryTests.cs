using Npgsql;
using Switchyard.Core.Connections;

namespace Switchyard.Core.Tests.Connections;

public sealed class DataSourceFactoryTests
{
    [Fact]
    public void Create_PlainConnectionString_SetsAServerStatementTimeoutAndNoClientTimeout()
    {
        // Given a connection string that sets no timeouts
        const string cs = "Host=localhost;Database=ledger;Username=app";

        // When Switchyard's data source is built from it
        using var dataSource = DataSourceFactory.Create(cs, "switchyard", TimeSpan.FromSeconds(90));
        var built = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        // Then every session starts with statement_timeout, and the client never abandons a running backend
        built.Options.ShouldBe("-c statement_timeout=90000 -c standard_conforming_strings=on");
        built.CommandTimeout.ShouldBe(0);
        built.TcpKeepAlive.ShouldBeTrue();
    }

    [Fact]
    public void Create_ConnectionStringWithItsOwnStatementTimeout_KeepsIt()
    {
        // Given a connection string whose options set statement_timeout already
        const string cs = "Host=localhost;Database=ledger;Options=-c statement_timeout=5000";

        // When the data source is built
        using var dataSource = DataSourceFactory.Create(cs);
        var built = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        // Then the operator's value stands (and literals are read with standard_conforming_strings on)
        built.Options.ShouldBe("-c statement_timeout=5000 -c standard_conforming_strings=on");
    }

    [Fact]
    public void Create_ZeroStatementTimeout_IsRefused()
    {
        // Given no limit at all
        var none = TimeSpan.Zero;

        // When the data source is built with it
        var refused = Should.Throw<SwitchyardException>(() => DataSourceFactory.Create("Host=localhost", "switchyard", none));

        // Then it is refused, saying why
        refused.Message.ShouldContain("statement_timeout must be positive");
    }
}
