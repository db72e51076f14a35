function __ringctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __ringctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __ringctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __ringctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __ringctl_parse_tokens -S
    set -l unparsed_tokens (__ringctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'ringctl'
        __ringctl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'members'
            __ringctl_parse_subcommand 0 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'observe=' 'node-name=' 'bind-addr=' 'bind-port=' 'advertise-addr=' 'advertise-port=' 'state=+' 'o/output=' 'version' 'h/help'
        case 'watch'
            __ringctl_parse_subcommand 0 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'node-name=' 'bind-addr=' 'bind-port=' 'advertise-addr=' 'advertise-port=' 'for=' 'o/output=' 'version' 'h/help'
        case 'kv'
            __ringctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __ringctl_parse_subcommand 0 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'o/output=' 'version' 'h/help'
            case 'get'
                __ringctl_parse_subcommand 1 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'raw' 'force' 'version' 'h/help'
            end
        case 'resolve'
            __ringctl_parse_subcommand -r 1 'dns-server=+' 'timeout=' 'tries=' 'o/output=' 'version' 'h/help'
        case 'ring'
            __ringctl_parse_subcommand 0 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'from-file=' 'key=+' 'heartbeat-timeout=' 'stuck-after=' 'at=' 'tokens' 'check' 'o/output=' 'version' 'h/help'
        case 'lag'
            __ringctl_parse_subcommand 0 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'heartbeat=' 'delta=' 'heartbeat-timeout=' 'key=+' 'worst=' 'from-file=' 'at=' 'o/output=' 'version' 'h/help'
        case 'decode'
            __ringctl_parse_subcommand 1 'hex' 'as=' 'cluster-label=' 'secret-key-file=+' 'extract=' 'o/output=' 'version' 'h/help'
        case 'demo'
            __ringctl_parse_subcommand 0 'nodes=' 'zones=' 'tokens=' 'heartbeat=' 'cluster-label=' 'transport=' 'base-port=' 'ring-key=' 'name-prefix=' 'probe-interval=' 'probe-timeout=' 'freeze=+' 'crash=+' 'leave=+' 'state=+' 'slow-gossip=+' 'for=' 'o/output=' 'version' 'h/help'
        case 'forget'
            __ringctl_parse_subcommand -r 1 'j/join=+' 'config.file=' 'config.expand-env' 'transport=' 'cluster-label=' 'cluster-label-verification-disabled' 'no-cluster-label-verification-disabled' 'tls' 'no-tls' 'tls-cert-path=' 'tls-key-path=' 'tls-ca-path=' 'tls-server-name=' 'tls-insecure-skip-verify' 'no-tls-insecure-skip-verify' 'secret-key-file=+' 'timeout=' 'dns-server=+' 'node-name=' 'bind-addr=' 'bind-port=' 'advertise-addr=' 'advertise-port=' 'unhealthy' 'older-than=' 'key=+' 'heartbeat-timeout=' 'force' 'y/yes' 'dry-run' 'o/output=' 'version' 'h/help'
        case 'help'
            __ringctl_parse_subcommand -r 1 'version'
        end
    end
end

function __ringctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __ringctl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __ringctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __ringctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__ringctl_tokens -p)
    if test -z "$(__ringctl_tokens -t)"
        set -l index (count (__ringctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'ringctl' -f
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'members' -d 'List the members of a memberlist cluster, as a seed sees them, without joining it.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'watch' -d 'Join the cluster as a transient member and print every membership change and KV update.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'kv' -d 'Read a dskit cluster\'s memberlist KV store, without joining it: list the keys, or get one.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'resolve' -d 'Resolve memberlist join addresses exactly as dskit does (dns+, dnssrv+, dnssrvnoa+).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'ring' -d 'Show a dskit hash ring: instances, states, zones, heartbeat ages, tokens and ownership.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'lag' -d 'Check heartbeat lag: how stale the oldest ACTIVE heartbeat in each ring is, against a threshold.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'decode' -d 'Decode captured memberlist/dskit bytes: frame, label, compression, messages, KV pairs, rings.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'demo' -d 'Run a small dskit-shaped cluster on 127.0.0.1 to try ringctl on (and to stage failures).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'forget' -d 'Remove dead instances from a dskit ring (what the /ring page\'s Forget button does), over gossip.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" observe' -l 'observe' -d 'Join the cluster for this long (e.g. 10s) and report what ringctl saw as a member, instead of a one-shot peek; leaves gracefully at the end or on Ctrl-C/SIGTERM.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" node-name' -l 'node-name' -d 'Our node name while joined (default: ringctl-<host>-<random>; or a pasted -memberlist.nodename).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" bind-addr' -l 'bind-addr' -d 'Address to listen on for the cluster\'s probes and gossip (default: 0.0.0.0; or a pasted -memberlist.bind-addr).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" bind-port' -l 'bind-port' -d 'Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one (the default; or a pasted -memberlist.bind-port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" advertise-addr' -l 'advertise-addr' -d 'Address the cluster should reach us at (default: the bind address, or the one used to reach the seed; or a pasted -memberlist.advertise-addr).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" advertise-port' -l 'advertise-port' -d 'Port the cluster should reach us at (default: the bound port; or a pasted -memberlist.advertise-port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -l 'state' -d 'Show only members in this state (repeatable): alive, suspect, dead or left.' -rfka 'alive suspect dead left unknown'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" node-name' -l 'node-name' -d 'Our node name while joined (default: ringctl-<host>-<random>; or a pasted -memberlist.nodename).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" bind-addr' -l 'bind-addr' -d 'Address to listen on for the cluster\'s probes and gossip (default: 0.0.0.0; or a pasted -memberlist.bind-addr).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" bind-port' -l 'bind-port' -d 'Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one (the default; or a pasted -memberlist.bind-port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" advertise-addr' -l 'advertise-addr' -d 'Address the cluster should reach us at (default: the bind address, or the one used to reach the seed; or a pasted -memberlist.advertise-addr).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" advertise-port' -l 'advertise-port' -d 'Port the cluster should reach us at (default: the bound port; or a pasted -memberlist.advertise-port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" for' -l 'for' -d 'Stop after this long (default: until Ctrl-C or SIGTERM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" o output' -s 'o' -l 'output' -d 'Output format: table (one line per event) or json (JSON Lines).' -rfka 'table json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl kv" -eq 1' -fa 'list' -d 'List the keys of a dskit cluster\'s memberlist KV store (the default of `ringctl kv`).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl kv" -eq 1' -fa 'get' -d 'Print one KV value: decoded as JSON, or its exact stored bytes with --raw.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" raw' -l 'raw' -d 'Write the value\'s exact stored bytes to standard output instead of JSON.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" force' -l 'force' -d 'With --raw, write binary even when standard output is a terminal.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve"' -l 'dns-server' -d 'DNS server to ask instead of /etc/resolv.conf\'s (repeatable; IP, IP:PORT or [IPv6]:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" timeout' -l 'timeout' -d 'How long to wait for an answer on the first try, e.g. 500ms, 2s (c-ares doubles it on each later round).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" tries' -l 'tries' -d 'How many times each query is sent before it counts as timed out.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" o output' -s 'o' -l 'output' -d 'Output format: table, plain (one host:port per line) or json.' -rfka 'table plain json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" from-file' -l 'from-file' -d 'Read a ring saved from /memberlist (the download: snappy + protobuf ring.Desc; or viewKey JSON) or /ring JSON instead of the cluster; - reads standard input.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring"' -l 'key' -d 'Live: show only this ring key (repeatable; default every key with codec ringDesc or partitionRingDesc). With --from-file: the key the value came from (default ring, or ingester-partitions for a partition ring).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" heartbeat-timeout' -l 'heartbeat-timeout' -d 'An instance whose heartbeat is older than this is unhealthy (dskit\'s -ring.heartbeat-timeout).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" stuck-after' -l 'stuck-after' -d 'A JOINING or PENDING instance registered longer ago than this, or a partition PENDING for longer, is stuck and fails --check (default 3 x --heartbeat-timeout; 0 = never).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" at' -l 'at' -d 'Judge ages at this time instead of now (RFC 3339 or Unix seconds), for old files.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" tokens' -l 'tokens' -d 'Also list every token with its owner, sorted (JSON: token_list per instance).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" check' -l 'check' -d 'Exit 1 when an instance has a stale heartbeat (LEFT aside) or is stuck JOINING/PENDING, or a partition ring has a finding that fails (for scripts and alerts).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" heartbeat' -l 'heartbeat' -d 'The rings\' heartbeat period (dskit Lifecycler 5s, Pyroscope\'s BasicLifecycler rings 15s), e.g. 15s.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" delta' -l 'delta' -d 'Gossip delay tolerated on top of one heartbeat period.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" heartbeat-timeout' -l 'heartbeat-timeout' -d 'ACTIVE instances whose heartbeat is older than this are unhealthy, outside the lag (dskit\'s -ring.heartbeat-timeout).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag"' -l 'key' -d 'Only this ring key (repeatable; default every key with codec ringDesc). With --from-file: the key the value came from (default ring).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" worst' -l 'worst' -d 'How many of the oldest ACTIVE instances to list per ring.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" from-file' -l 'from-file' -d 'Judge a ring value saved from /memberlist instead of the cluster; - reads standard input.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" at' -l 'at' -d 'Measure ages at this time instead of now (RFC 3339 or Unix seconds), for saved rings.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl lag" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" hex' -l 'hex' -d 'FILE is a hex dump (xxd, xxd -p, tcpdump -X), not raw bytes.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" as' -l 'as' -d 'What the bytes are: auto, dskit (01/02 marker), reply (listener side of a stream), packet (memberlist UDP), value (a KV value, e.g. a /memberlist download) or state (a KV full state).' -rfka 'auto dskit reply packet value state'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'Require this cluster label ("" for none). Default: accept any and show it.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode"' -l 'secret-key-file' -d 'A gossip secret key (16, 24 or 32 raw bytes, or base64), to decrypt; repeatable for a keyring.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" extract' -l 'extract' -d 'Write the raw value of this KV key to stdout instead (e.g. for ring --from-file -).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" o output' -s 'o' -l 'output' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" nodes' -l 'nodes' -d 'How many nodes (1…200).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" zones' -l 'zones' -d 'How many zones the instances are spread over (zone-a, zone-b, …).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" tokens' -l 'tokens' -d 'Tokens per ring instance.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" heartbeat' -l 'heartbeat' -d 'How often each node heartbeats its instance.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" cluster-label' -l 'cluster-label' -d 'The cluster label every node sends and requires (dskit -memberlist.cluster-label).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" transport' -l 'transport' -d 'dskit (TCP only, dskit\'s default) or memberlist (UDP packets, TCP streams).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" base-port' -l 'base-port' -d 'The first node\'s port; the others follow (0: free ports).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" ring-key' -l 'ring-key' -d 'The KV key of the ring.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" name-prefix' -l 'name-prefix' -d 'Nodes are named PREFIX-0 … PREFIX-(N-1).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" memberlist.gossip-interval' -o 'memberlist.gossip-interval' -d 'How often each node gossips (dskit\'s flag).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" memberlist.gossip-nodes' -o 'memberlist.gossip-nodes' -d 'How many members each gossip round goes to (dskit\'s flag).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" memberlist.pullpush-interval' -o 'memberlist.pullpush-interval' -d 'How often a full state exchange runs; 0 turns it off (dskit\'s flag).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" memberlist.retransmit-factor' -o 'memberlist.retransmit-factor' -d 'Each broadcast goes out factor × ceil(log10(N+1)) times (dskit\'s flag).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" probe-interval' -l 'probe-interval' -d 'Probe one member this often (dskit: 5s; not a dskit flag).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" probe-timeout' -l 'probe-timeout' -d 'Wait this long for a probe\'s ack (dskit: 2s; not a dskit flag).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo"' -l 'freeze' -d 'Stop a node\'s heartbeats after AFTER.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo"' -l 'crash' -d 'Crash a node (no leave) after AFTER.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo"' -l 'leave' -d 'Make a node leave cleanly after AFTER.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo"' -l 'state' -d 'Change a node\'s ring state after AFTER.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo"' -l 'slow-gossip' -d 'Make a node gossip ten times less often after AFTER.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" for' -l 'for' -d 'Stop after this long (default: until Ctrl-C or SIGTERM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" o output' -s 'o' -l 'output' -d 'Output format: table (a line per node) or json (the node list as one JSON object).' -rfka 'table json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" config.file config.file' -l 'config.file' -o 'config.file' -d 'A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and the tls_* settings that no flag gives.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" config.expand-env config.expand-env' -l 'config.expand-env' -o 'config.expand-env' -d 'Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl\'s environment, as the service\'s -config.expand-env does.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" cluster-label-verification-disabled' -l 'cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" no-cluster-label-verification-disabled' -l 'no-cluster-label-verification-disabled' -d 'Accept streams without our cluster label (dskit\'s -memberlist.cluster-label-verification-disabled). A peek receives none: a reply carries no label, so this only matters where ringctl listens.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" tls' -l 'tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" no-tls' -l 'no-tls' -d 'Speak TLS to the seeds (dskit transport only; dskit\'s -memberlist.tls-enabled, =false is --no-tls); --no-tls overrides tls_enabled in --config.file.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" memberlist.tls-cert-path tls-cert-path' -l 'tls-cert-path' -o 'memberlist.tls-cert-path' -d 'Client certificate (PEM), for servers that require one; needs --tls-key-path.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" memberlist.tls-key-path tls-key-path' -l 'tls-key-path' -o 'memberlist.tls-key-path' -d 'The client certificate\'s private key (PEM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" memberlist.tls-ca-path tls-ca-path' -l 'tls-ca-path' -o 'memberlist.tls-ca-path' -d 'CA bundle (PEM) to verify the seeds\' certificates; the system roots by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" memberlist.tls-server-name tls-server-name' -l 'tls-server-name' -o 'memberlist.tls-server-name' -d 'The name the seeds\' certificates must carry; the seed\'s host by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" tls-insecure-skip-verify' -l 'tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" no-tls-insecure-skip-verify' -l 'no-tls-insecure-skip-verify' -d 'Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget"' -l 'secret-key-file' -d 'A file holding the cluster\'s gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; repeatable for a keyring, the first one encrypts.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" timeout' -l 'timeout' -d 'Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), e.g. 500ms, 5s; with --observe, for each step.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" node-name' -l 'node-name' -d 'Our node name while joined (default: ringctl-<host>-<random>; or a pasted -memberlist.nodename).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" bind-addr' -l 'bind-addr' -d 'Address to listen on for the cluster\'s probes and gossip (default: 0.0.0.0; or a pasted -memberlist.bind-addr).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" bind-port' -l 'bind-port' -d 'Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one (the default; or a pasted -memberlist.bind-port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" advertise-addr' -l 'advertise-addr' -d 'Address the cluster should reach us at (default: the bind address, or the one used to reach the seed; or a pasted -memberlist.advertise-addr).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" advertise-port' -l 'advertise-port' -d 'Port the cluster should reach us at (default: the bound port; or a pasted -memberlist.advertise-port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" unhealthy' -l 'unhealthy' -d 'Forget every instance whose heartbeat is older than --older-than (instead of naming them).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" older-than' -l 'older-than' -d 'With --unhealthy: how old a heartbeat must be (default: --heartbeat-timeout).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget"' -l 'key' -d 'Only in this ring key (repeatable; default every key with codec ringDesc).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" heartbeat-timeout' -l 'heartbeat-timeout' -d 'An instance whose heartbeat is older than this is unhealthy (dskit\'s -ring.heartbeat-timeout).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" force' -l 'force' -d 'Also forget healthy ACTIVE instances (they register again at their next heartbeat).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" y yes' -s 'y' -l 'yes' -d 'Do not ask: forget at once (for scripts).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" dry-run' -l 'dry-run' -d 'Show what would be forgotten and send nothing.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" o output' -s 'o' -l 'output' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl forget" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl help" version' -l 'version' -d 'Show the version.'
