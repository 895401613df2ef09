package dev.kembed.demo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic corpus of distinct neighbourhood-app texts for measuring vector quality at scale
 * (the projection study needs 10,000+ held-out texts; the demo's own workload has under a thousand
 * distinct ones). Posts, comments and search queries are assembled from the demo's {@link Category}
 * material plus nine further topics, with names, streets, times, prices, typos, lower-casing, a
 * little Russian and multi-sentence bodies mixed in by one seeded {@link Random}.
 *
 * <p>How real-looking: every sentence is hand-written for a neighbourhood app, but texts are
 * recombinations of a few hundred sentences, so the corpus is more repetitive and lower in
 * intrinsic dimension than real traffic; results measured on it (e.g. how few dimensions keep
 * neighbours) are optimistic upper bounds, not guarantees.
 */
public final class TextCorpus {
  private TextCorpus() {}

  /**
   * A topic beyond the demo's categories: subjects with {x} slots, fillers, bodies, comments,
   * queries.
   */
  private record Topic(
      List<String> subjects,
      List<String> fillers,
      List<String> bodies,
      List<String> comments,
      List<String> queries) {}

  private static final List<Topic> EXTRA =
      List.of(
          new Topic(
              List.of(
                  "Power cut on {x}",
                  "Water off on {x} since this morning",
                  "Internet down around {x}?",
                  "Gas smell near {x}"),
              List.of(
                  "Birch Lane",
                  "the north side",
                  "Mill Road",
                  "our block",
                  "the new estate",
                  "Church Street"),
              List.of(
                  "The utility company says an engineer is on the way but no time given.",
                  "Our fridge is defrosting, does anyone know how long it will take?",
                  "Called the emergency number, they are aware of the fault.",
                  "Is it just us or the whole street?"),
              List.of(
                  "Same here, no power since 7.",
                  "They said it should be back by tonight.",
                  "Ours came back ten minutes ago.",
                  "Report it online, the more reports the faster they come."),
              List.of(
                  "power cut",
                  "water outage today",
                  "internet down",
                  "gas leak who to call",
                  "outage map")),
          new Topic(
              List.of(
                  "Roadworks on {x} next week",
                  "Traffic chaos on {x}",
                  "Parking problems on {x}",
                  "New speed bumps on {x}"),
              List.of(
                  "the ring road",
                  "School Lane",
                  "the high street",
                  "Victoria Road",
                  "the bridge",
                  "the roundabout by the station"),
              List.of(
                  "The council letter says the road will be closed for three weeks, diversions via"
                      + " the bypass.",
                  "Cars parked on both pavements again, a pram cannot get through.",
                  "Buses are rerouted so the stop outside the pharmacy is closed.",
                  "Drivers are speeding past the primary school every morning."),
              List.of(
                  "The diversion adds twenty minutes to my commute.",
                  "Has anyone complained to the council?",
                  "Park and ride is the only sane option this month.",
                  "About time, it was dangerous."),
              List.of(
                  "road closure",
                  "roadworks diversion",
                  "parking permit",
                  "speeding near school",
                  "bus stop moved")),
          new Topic(
              List.of(
                  "Moving to the area, any tips about {x}?",
                  "Room to rent near {x}",
                  "Looking for a flat close to {x}",
                  "Landlord problems at {x}"),
              List.of(
                  "the station",
                  "the university",
                  "the park",
                  "the town centre",
                  "the hospital",
                  "the primary school"),
              List.of(
                  "We are a family of four with a small dog, starting in September.",
                  "Quiet professional, non-smoker, can pay three months upfront.",
                  "The heating has been broken for two weeks and the agent does not reply.",
                  "What are the good streets and which ones should we avoid?"),
              List.of(
                  "Check the notice board at the library, rooms come up there.",
                  "The streets around the park are lovely and quiet.",
                  "Contact the tenants union, they helped us.",
                  "Welcome to the neighbourhood!"),
              List.of(
                  "room to rent",
                  "flat near station",
                  "moving to the area",
                  "landlord not fixing heating",
                  "family friendly streets")),
          new Topic(
              List.of(
                  "School admissions for {x}",
                  "Best {x} around here?",
                  "{x} places still available",
                  "Question about {x}"),
              List.of(
                  "reception year",
                  "secondary school",
                  "the nursery",
                  "after-school clubs",
                  "swimming lessons",
                  "holiday camps"),
              List.of(
                  "The deadline is at the end of the month and we cannot decide between the two.",
                  "Our son is shy, so a small class would really help.",
                  "Prices went up again this term, are there cheaper options nearby?",
                  "The open day is on Thursday if anyone wants to go together."),
              List.of(
                  "We loved the nursery on Park Road, very caring staff.",
                  "The swimming club at the leisure centre is great value.",
                  "Apply early, it fills up fast.",
                  "Happy to share our experience, message me."),
              List.of(
                  "best primary school",
                  "nursery places",
                  "after school club",
                  "swimming lessons kids",
                  "summer holiday camp")),
          new Topic(
              List.of(
                  "Best {x} in town?",
                  "New {x} opened on the high street",
                  "Anyone been to the {x}?",
                  "Recommend a {x} for a birthday dinner"),
              List.of(
                  "curry house",
                  "pizza place",
                  "bakery",
                  "coffee shop",
                  "sushi restaurant",
                  "vegan cafe",
                  "fish and chip shop"),
              List.of(
                  "We are looking for somewhere that does good gluten free options.",
                  "Went there last night, portions were huge and the staff were lovely.",
                  "It is a bit pricey but the food is worth it.",
                  "Does anyone know if they deliver to our side of town?"),
              List.of(
                  "Their sourdough is the best around.",
                  "Book ahead at weekends.",
                  "Service was slow when we went.",
                  "Try the place next to the cinema."),
              List.of(
                  "best pizza",
                  "gluten free restaurant",
                  "coffee shop open sunday",
                  "takeaway delivery",
                  "birthday dinner ideas")),
          new Topic(
              List.of(
                  "Noise from {x} every night",
                  "Complaint about {x}",
                  "Fireworks near {x} again",
                  "Barking dog at {x}"),
              List.of(
                  "the flats opposite",
                  "number 12",
                  "the pub garden",
                  "the building site",
                  "the park",
                  "the house on the corner"),
              List.of(
                  "It goes on until after midnight and the kids cannot sleep.",
                  "We have tried talking to them politely but nothing changes.",
                  "The site starts drilling at six in the morning, even on Saturdays.",
                  "Not trying to start a fight, just wondering if others hear it too."),
              List.of(
                  "Contact the council noise team, they can measure it.",
                  "We hear it too, very annoying.",
                  "Earplugs have saved my sanity.",
                  "Maybe leave a friendly note first?"),
              List.of(
                  "noise complaint",
                  "barking dog neighbour",
                  "building site hours",
                  "fireworks tonight",
                  "loud music at night")),
          new Topic(
              List.of(
                  "{x} club looking for new members",
                  "Anyone up for {x} on Sunday?",
                  "Starting a {x} group",
                  "Lost my {x} kit at the park"),
              List.of("running", "football", "tennis", "yoga", "cycling", "chess", "walking"),
              List.of(
                  "All levels welcome, we meet by the bandstand at nine.",
                  "It is free and a great way to meet people in the area.",
                  "We need two more players for the league this season.",
                  "Bring water and comfortable shoes, we go at a chatty pace."),
              List.of(
                  "I would love to join, what time exactly?",
                  "Is it okay for beginners?",
                  "Count me in for Sunday!",
                  "We have a spare racket you can borrow."),
              List.of(
                  "running club",
                  "five a side football",
                  "yoga in the park",
                  "chess club",
                  "walking group sunday")),
          new Topic(
              List.of(
                  "Flu going around {x}?",
                  "Pharmacy on {x} closed?",
                  "Looking for a {x}",
                  "Dentist near {x} taking patients"),
              List.of(
                  "the school",
                  "the high street",
                  "physiotherapist",
                  "GP surgery",
                  "town",
                  "the station"),
              List.of(
                  "Half the class is off sick this week, anyone know what it is?",
                  "We need an appointment urgently and the usual place is fully booked.",
                  "They closed early again without a notice on the door.",
                  "Private is fine if the price is reasonable."),
              List.of(
                  "The walk-in centre is open until eight.",
                  "Our dentist on Queen Street just opened new places.",
                  "Get well soon!",
                  "Call at eight sharp, that is when they release slots."),
              List.of(
                  "dentist taking new patients",
                  "pharmacy open late",
                  "walk in clinic",
                  "physio near me",
                  "flu symptoms kids")),
          new Topic(
              List.of(
                  "Help with {x} please",
                  "Anyone good with {x}?",
                  "My {x} stopped working",
                  "Free help with {x} for older neighbours"),
              List.of(
                  "setting up a new phone",
                  "the wifi router",
                  "a laptop that will not start",
                  "online banking",
                  "the smart TV",
                  "printing documents"),
              List.of(
                  "My mother is 82 and gets confused by all the passwords.",
                  "It worked yesterday and now the light just blinks orange.",
                  "Happy to pay for an hour of someone's time.",
                  "The library runs a session on Tuesdays but we cannot make it."),
              List.of(
                  "Turn it off and on again, honestly it usually works.",
                  "I can pop round on Saturday and take a look.",
                  "The library volunteers are very patient.",
                  "Sounds like the router, call your provider."),
              List.of(
                  "wifi not working",
                  "help with laptop",
                  "phone setup for elderly",
                  "tech help near me",
                  "printer not printing")));

  private static final List<String> NAMES =
      List.of(
          "Anna", "Ben", "Chloe", "Dave", "Emma", "Farid", "Grace", "Hiro", "Irina", "Jack", "Kemi",
          "Lucas", "Maria", "Noah", "Olga", "Priya");
  private static final List<String> OPENERS =
      List.of(
          "Hi all, ",
          "Hello neighbours! ",
          "Quick question: ",
          "PSA: ",
          "",
          "",
          "",
          "Morning everyone. ",
          "Hey, ");
  private static final List<String> CLOSERS =
      List.of(
          " Thanks!",
          " Thanks in advance.",
          " Please share.",
          "",
          "",
          "",
          " Cheers, {n}",
          " DM me.",
          " Any advice appreciated.");
  private static final List<String> TIMES =
      List.of(
          "this morning",
          "last night",
          "on Monday",
          "around 5pm",
          "at the weekend",
          "yesterday afternoon",
          "tonight",
          "next Friday");
  private static final List<String> RUSSIAN =
      List.of(
          "Потерялась собака возле парка, рыжая, откликается на Рыжик.",
              "Продаю детскую коляску в хорошем состоянии, самовывоз.",
          "Кто может посоветовать хорошего сантехника?",
              "В субботу ярмарка на площади, приходите всей семьей.",
          "Вчера вечером вскрыли машину на нашей улице, будьте осторожны.",
              "Ищу няню на вечер пятницы.",
          "Отключили воду с утра, кто знает, когда включат?",
              "Отдам даром книжный шкаф, нужно забрать до воскресенья.");

  /**
   * {@code count} distinct texts, the same for the same seed. About half are posts (subject plus
   * one to three body sentences), a quarter comments, a fifth search queries (some with typos), and
   * about 2 % Russian.
   */
  public static List<String> generate(int count, long seed) {
    Random r = new Random(seed);
    List<Topic> topics = new ArrayList<>(EXTRA);
    for (Category c : Category.values()) {
      topics.add(new Topic(c.subjects(), c.fillers(), c.bodies(), c.comments(), c.queries()));
    }
    Set<String> out = new LinkedHashSet<>();
    int attempts = 0;
    while (out.size() < count) {
      if (++attempts > count * 50) {
        throw new IllegalStateException(
            "cannot make " + count + " distinct texts; got " + out.size());
      }
      Topic t = topics.get(r.nextInt(topics.size()));
      double kind = r.nextDouble();
      String text;
      if (kind < 0.02) {
        text = pick(r, RUSSIAN) + (r.nextBoolean() ? " " + pick(r, RUSSIAN) : "");
      } else if (kind < 0.52) {
        text = post(r, t);
      } else if (kind < 0.78) {
        text =
            pick(r, t.comments())
                + (r.nextInt(3) == 0
                    ? " " + capitalise(pick(r, TIMES)) + " would work for me."
                    : "");
        if (r.nextInt(4) == 0) {
          text = "@" + pick(r, NAMES) + " " + text;
        }
      } else {
        text = query(r, t);
      }
      out.add(text.replace("{n}", pick(r, NAMES)));
    }
    return new ArrayList<>(out);
  }

  private static String post(Random r, Topic t) {
    StringBuilder b = new StringBuilder(pick(r, OPENERS));
    b.append(pick(r, t.subjects()).replace("{x}", pick(r, t.fillers())));
    if (r.nextInt(3) == 0) {
      b.append(' ').append(pick(r, TIMES));
    }
    b.append(r.nextInt(4) == 0 ? "! " : ". ");
    int sentences = 1 + r.nextInt(3);
    List<String> bodies = new ArrayList<>(t.bodies());
    for (int i = 0; i < sentences && !bodies.isEmpty(); i++) {
      b.append(bodies.remove(r.nextInt(bodies.size()))).append(' ');
    }
    if (r.nextInt(4) == 0) {
      b.append("Price ").append(5 * (1 + r.nextInt(60))).append(" or best offer. ");
    }
    b.append(pick(r, CLOSERS));
    String s = b.toString().strip();
    return r.nextInt(10) == 0 ? s.toLowerCase(java.util.Locale.ROOT) : s;
  }

  private static String query(Random r, Topic t) {
    String q = pick(r, t.queries());
    int variant = r.nextInt(6);
    return switch (variant) {
      case 0 ->
          q
              + " "
              + pick(
                  r,
                  List.of(
                      "near me", "today", "this weekend", "cheap", "recommendation", "open now"));
      case 1 -> typo(r, q);
      case 2 -> q + " " + pick(r, t.fillers());
      default -> q;
    };
  }

  /** Swaps two adjacent letters, as a hurried thumb does. */
  private static String typo(Random r, String s) {
    if (s.length() < 4) {
      return s;
    }
    int i = 1 + r.nextInt(s.length() - 2);
    char[] c = s.toCharArray();
    char tmp = c[i];
    c[i] = c[i + 1];
    c[i + 1] = tmp;
    return new String(c);
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String pick(Random r, List<String> items) {
    return items.get(r.nextInt(items.size()));
  }
}
