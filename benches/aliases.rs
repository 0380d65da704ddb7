//! Merging spellings of experts' names (`SpeakerIndex::from_counts`, what `score` runs before
//! aggregation) for 1,000, 10,000 and 100,000 distinct speakers, with random first names from 48
//! and random 6-10-letter surnames; and for "Anna Surname00001" ... "Anna Surname20000", a crowd
//! that the previous rule merged into 19 experts. Names are built outside the timed closures. Run
//! with `cargo bench --bench aliases`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stance::aliases::{Aliases, SpeakerIndex};

const FIRST_NAMES: [&str; 48] = [
    "Anna", "Ilgar", "Nikol", "Samir", "Anahit", "Omar", "Maria", "John", "Elena", "David",
    "Leyla", "Arman", "Fatima", "Ivan", "Olga", "Ali", "Sara", "Tigran", "Nino", "Giorgi",
    "Rashad", "Aysel", "Peter", "Laura", "Mehmet", "Zeynep", "Hassan", "Mariam", "Karen", "Lilit",
    "Farid", "Gunel", "Thomas", "Julia", "Andrei", "Natalia", "Emil", "Sevda", "Levan", "Tamar",
    "Oleg", "Irina", "Kamal", "Nargiz", "Robert", "Susan", "Ahmed", "Layla",
];

/// `n` distinct names from a xorshift generator.
fn random_names(n: usize, mut state: u64) -> Vec<String> {
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut seen = std::collections::HashSet::new();
    let mut names = Vec::with_capacity(n);
    while names.len() < n {
        let first = FIRST_NAMES[(next() % FIRST_NAMES.len() as u64) as usize];
        let len = 6 + (next() % 5) as usize;
        let surname: String = (0..len)
            .map(|i| {
                let c = (b'a' + (next() % 26) as u8) as char;
                if i == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        let name = format!("{first} {surname}");
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

/// Each name once, in order, as aggregation passes them.
fn counts(names: &[String]) -> Vec<(&str, usize, usize)> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), 1, i))
        .collect()
}

fn merge_spellings(c: &mut Criterion) {
    let aliases = Aliases::default();
    let mut group = c.benchmark_group("aliases");
    group.sample_size(10);
    for n in [1_000, 10_000, 100_000] {
        let names = random_names(n, 0x5EED ^ n as u64);
        let counts = counts(&names);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{n} distinct speakers"), |b| {
            b.iter(|| SpeakerIndex::from_counts(black_box(&counts).iter().copied(), &aliases))
        });
    }
    let names: Vec<String> = (1..=20_000)
        .map(|i| format!("Anna Surname{i:05}"))
        .collect();
    let counts = counts(&names);
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("20000 numbered surnames (a crowd)", |b| {
        b.iter(|| SpeakerIndex::from_counts(black_box(&counts).iter().copied(), &aliases))
    });
    group.finish();
}

criterion_group!(benches, merge_spellings);
criterion_main!(benches);
