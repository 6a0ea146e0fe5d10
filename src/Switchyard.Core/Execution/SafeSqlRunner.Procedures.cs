using Npgsql;

namespace Switchyard.Core.Execution;

public sealed partial class SafeSqlRunner
{
    /// <summary>
    /// Runs one <c>CALL</c> of a procedure that commits by itself (a batch loop), so outside any transaction block,
    /// under the session's lock_timeout and statement_timeout; returns the first column of its result row (its INOUT
    /// parameter), or default when it returns none. Not retried: the batches it committed stay committed.
    /// </summary>
    public async Task<T?> CallAsync<T>(string sql, CancellationToken ct, params object?[] parameters)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (var set = Command("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", connection, null, Millis(Options.LockTimeout), Millis(Options.StatementTimeout)))
                await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var cmd = Command(sql, connection, null, parameters);
            cmd.CommandTimeout = 0;
            var value = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)value;
        }
        catch (Exception e) when (e is NpgsqlException && e is not SwitchyardException)
        {
            throw new SqlFailedException(sql, 1, e);
        }
    }
}
