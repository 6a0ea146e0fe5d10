using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Tests.Execution;

public sealed class TransientErrorsTests
{
    private static PostgresException Server(string sqlState, string message = "failed") => new(message, "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("53200")] // out_of_memory
    [InlineData("53100")] // disk_full
    [InlineData("53000")] // insufficient_resources
    [InlineData("53400")] // configuration_limit_exceeded
    [InlineData("54000")] // program_limit_exceeded
    [InlineData("54001")] // statement_too_complex
    public void IsTransient_ResourceFailure_IsNotRetried(string sqlState)
    {
        // Given a statement the server failed for lack of a resource
        var failure = Server(sqlState);

        // When the runner classifies it
        var (transient, resource) = (TransientErrors.IsTransient(failure), TransientErrors.IsResourceFailure(failure));

        // Then it is a resource failure and never retried
        resource.ShouldBeTrue();
        transient.ShouldBeFalse();
    }

    [Fact]
    public void IsTransient_TooManyConnections_IsRetried()
    {
        // Given a refused connection: it got no backend, so it used nothing
        var failure = Server(PostgresErrorCodes.TooManyConnections);

        // When the runner classifies it
        var transient = TransientErrors.IsTransient(failure);

        // Then it is retried within the usual bounds
        transient.ShouldBeTrue();
        TransientErrors.IsResourceFailure(failure).ShouldBeFalse();
    }

    [Theory]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    public void IsTransient_ConcurrencyOrRestart_IsRetried(string sqlState)
    {
        // Given a failure another attempt can get past
        var failure = Server(sqlState);

        // When the runner classifies it
        var transient = TransientErrors.IsTransient(failure);

        // Then it is retried
        transient.ShouldBeTrue();
    }

    [Fact]
    public void IsTransient_StatementTimeout_IsNotRetried()
    {
        // Given the server cancelled a statement at its statement_timeout
        var failure = Server(PostgresErrorCodes.QueryCanceled, "canceling statement due to statement timeout");

        // When the runner classifies it
        var transient = TransientErrors.IsTransient(failure);

        // Then the same statement is not run again
        transient.ShouldBeFalse();
        TransientErrors.IsStatementTimeout(failure).ShouldBeTrue();
    }

    [Fact]
    public void IsTransient_ClientSideTimeout_IsNotRetried()
    {
        // Given the client gave up waiting (its backend may still be running)
        var failure = new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));

        // When the runner classifies it
        var transient = TransientErrors.IsTransient(failure);

        // Then no second backend is started next to the first
        transient.ShouldBeFalse();
    }

    [Fact]
    public void IsTransient_LostConnection_IsRetried()
    {
        // Given the connection dropped (server restart)
        var failure = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());

        // When the runner classifies it
        var transient = TransientErrors.IsTransient(failure);

        // Then it is retried
        transient.ShouldBeTrue();
    }
}
