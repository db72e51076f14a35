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
            __ringctl_parse_subcommand 0 'j/join=+' 'transport=' 'cluster-label=' 'timeout=' 'dns-server=+' 'observe=' 'node-name=' 'bind-addr=' 'bind-port=' 'advertise-addr=' 'advertise-port=' 'gossip-key-file=+' 'state=+' 'o/output=' 'version' 'h/help'
        case 'watch'
            __ringctl_parse_subcommand 0 'j/join=+' 'transport=' 'cluster-label=' 'timeout=' 'dns-server=+' 'node-name=' 'bind-addr=' 'bind-port=' 'advertise-addr=' 'advertise-port=' 'gossip-key-file=+' 'for=' 'o/output=' 'version' 'h/help'
        case 'kv'
            __ringctl_parse_subcommand 0 'j/join=+' 'transport=' 'cluster-label=' 'timeout=' 'dns-server=+' 'o/output=' 'version' 'h/help'
        case 'resolve'
            __ringctl_parse_subcommand -r 1 'dns-server=+' 'timeout=' 'tries=' 'o/output=' 'version' 'h/help'
        case 'ring'
            __ringctl_parse_subcommand 0 'from-file=' 'key=' 'heartbeat-timeout=' 'at=' 'tokens' 'check' 'o/output=' 'version' 'h/help'
        case 'decode'
            __ringctl_parse_subcommand 1 'hex' 'as=' 'label=' 'key-file=+' 'extract=' 'o/output=' 'version' 'h/help'
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
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'kv' -d 'List the keys of a dskit cluster\'s memberlist KV store, without joining it.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'resolve' -d 'Resolve memberlist join addresses exactly as dskit does (dns+, dnssrv+, dnssrvnoa+).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'ring' -d 'Show a dskit hash ring: instances, states, zones, heartbeat ages, tokens and ownership.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'decode' -d 'Decode captured memberlist/dskit bytes: frame, label, compression, messages, KV pairs, rings.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_positional "ringctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" timeout' -l 'timeout' -d 'Deadline for each seed: connect, send and read the whole reply, e.g. 500ms, 5s.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" observe' -l 'observe' -d 'Join the cluster for this long (e.g. 10s) and report what ringctl saw as a member, instead of a one-shot peek; leaves gracefully at the end or on Ctrl-C/SIGTERM.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" memberlist.nodename node-name' -l 'node-name' -o 'memberlist.nodename' -d 'Our node name while joined (default: ringctl-<host>-<random>).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" bind-addr memberlist.bind-addr' -l 'bind-addr' -o 'memberlist.bind-addr' -d 'Address to listen on for the cluster\'s probes and gossip.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" bind-port memberlist.bind-port' -l 'bind-port' -o 'memberlist.bind-port' -d 'Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" advertise-addr memberlist.advertise-addr' -l 'advertise-addr' -o 'memberlist.advertise-addr' -d 'Address the cluster should reach us at (default: the bind address, or the one used to reach the seed).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" advertise-port memberlist.advertise-port' -l 'advertise-port' -o 'memberlist.advertise-port' -d 'Port the cluster should reach us at (default: the bound port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -l 'gossip-key-file' -d 'The cluster\'s gossip secret key (16, 24 or 32 raw bytes, or base64), for encrypted clusters on --transport memberlist; repeatable for a keyring, primary first.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members"' -l 'state' -d 'Show only members in this state (repeatable): alive, suspect, dead or left.' -rfka 'alive suspect dead left unknown'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl members" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" timeout' -l 'timeout' -d 'Deadline for each seed: connect, send and read the whole reply, e.g. 500ms, 5s.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" memberlist.nodename node-name' -l 'node-name' -o 'memberlist.nodename' -d 'Our node name while joined (default: ringctl-<host>-<random>).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" bind-addr memberlist.bind-addr' -l 'bind-addr' -o 'memberlist.bind-addr' -d 'Address to listen on for the cluster\'s probes and gossip.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" bind-port memberlist.bind-port' -l 'bind-port' -o 'memberlist.bind-port' -d 'Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" advertise-addr memberlist.advertise-addr' -l 'advertise-addr' -o 'memberlist.advertise-addr' -d 'Address the cluster should reach us at (default: the bind address, or the one used to reach the seed).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" advertise-port memberlist.advertise-port' -l 'advertise-port' -o 'memberlist.advertise-port' -d 'Port the cluster should reach us at (default: the bound port).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch"' -l 'gossip-key-file' -d 'The cluster\'s gossip secret key (16, 24 or 32 raw bytes, or base64), for encrypted clusters on --transport memberlist; repeatable for a keyring, primary first.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" for' -l 'for' -d 'Stop after this long (default: until Ctrl-C or SIGTERM).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" o output' -s 'o' -l 'output' -d 'Output format: table (one line per event) or json (JSON Lines).' -rfka 'table json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv"' -s 'j' -l 'join' -o 'memberlist.join' -d 'A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" transport' -l 'transport' -d 'The cluster\'s TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).' -rfka 'dskit memberlist'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" cluster-label memberlist.cluster-label' -l 'cluster-label' -o 'memberlist.cluster-label' -d 'The cluster label to send (dskit\'s -memberlist.cluster-label); none by default.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" timeout' -l 'timeout' -d 'Deadline for each seed: connect, send and read the whole reply, e.g. 500ms, 5s.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv"' -l 'dns-server' -d 'DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf\'s (repeatable; IP or IP:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl kv" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve"' -l 'dns-server' -d 'DNS server to ask instead of /etc/resolv.conf\'s (repeatable; IP, IP:PORT or [IPv6]:PORT).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" timeout' -l 'timeout' -d 'How long to wait for an answer on the first try, e.g. 500ms, 2s (c-ares doubles it on each later round).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" tries' -l 'tries' -d 'How many times each query is sent before it counts as timed out.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" o output' -s 'o' -l 'output' -d 'Output format: table, plain (one host:port per line) or json.' -rfka 'table plain json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl resolve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" from-file' -l 'from-file' -d 'Ring value saved from /memberlist (snappy + protobuf ring.Desc); - reads standard input.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" key' -l 'key' -d 'The KV key the value came from, shown in the report.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" heartbeat-timeout' -l 'heartbeat-timeout' -d 'An instance whose heartbeat is older than this is unhealthy (dskit\'s -ring.heartbeat-timeout).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" at' -l 'at' -d 'Judge ages at this time instead of now (RFC 3339 or Unix seconds), for old files.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" tokens' -l 'tokens' -d 'Also list every token with its owner, sorted (JSON: token_list per instance).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" check' -l 'check' -d 'Exit 1 when any instance is unhealthy (for scripts and alerts).'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" o output' -s 'o' -l 'output' -d 'Output format: table, wide or json.' -rfka 'table wide json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl ring" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" hex' -l 'hex' -d 'FILE is a hex dump (xxd, xxd -p, tcpdump -X), not raw bytes.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" as' -l 'as' -d 'What the bytes are: auto, dskit (01/02 marker), reply (listener side of a stream), or packet (memberlist UDP).' -rfka 'auto dskit reply packet'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" label memberlist.cluster-label' -l 'label' -o 'memberlist.cluster-label' -d 'Require this cluster label ("" for none). Default: accept any and show it.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode"' -l 'key-file' -d 'A gossip secret key (16, 24 or 32 raw bytes, or base64), to decrypt; repeatable for a keyring.' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" extract' -l 'extract' -d 'Write the raw value of this KV key to stdout instead (e.g. for ring --from-file -).' -rfka ''
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" o output' -s 'o' -l 'output' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" version' -l 'version' -d 'Show the version.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl decode" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ringctl' -n '__ringctl_should_offer_completions_for_flags_or_options "ringctl help" version' -l 'version' -d 'Show the version.'
